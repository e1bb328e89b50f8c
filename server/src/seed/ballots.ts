/** One voter's ballot in a cumulative vote: the projects they chose and the points given to each. */
export type Ballot = { projectIds: string[]; points: number[] };
export type ReplayedAllocation = { voter: number; projectId: string; amountCents: number };

/**
 * Turns cumulative-vote ballots into Cagnotte allocations, voter after voter in the ballots'
 * order: each voter spreads `allowanceCents` over their choices in proportion to their points
 * (floored to the cent). A project never takes more than its cost: the share that does not fit
 * goes to the voter's other choices that still have room, again by points, as a member would do
 * on seeing a project full. What fits nowhere stays in the voter's allowance.
 */
export function replayBallots(ballots: readonly Ballot[], costCents: ReadonlyMap<string, number>, allowanceCents: number): ReplayedAllocation[] {
  const funded = new Map<string, number>();
  const room = (projectId: string) => (costCents.get(projectId) ?? 0) - (funded.get(projectId) ?? 0);
  const allocations: ReplayedAllocation[] = [];
  ballots.forEach((ballot, voter) => {
    const choices = ballot.projectIds.map((projectId, i) => ({ projectId, points: ballot.points[i] ?? 0 })).filter((c) => c.points > 0);
    const mine = new Map<string, number>();
    let left = allowanceCents;
    while (left > 0) {
      const open = choices.filter((c) => room(c.projectId) > 0);
      const points = open.reduce((sum, c) => sum + c.points, 0);
      if (points === 0) break;
      let given = 0;
      for (const choice of open) {
        const amount = Math.min(Math.floor((left * choice.points) / points), room(choice.projectId));
        funded.set(choice.projectId, (funded.get(choice.projectId) ?? 0) + amount);
        mine.set(choice.projectId, (mine.get(choice.projectId) ?? 0) + amount);
        given += amount;
      }
      left -= given;
      // Only flooring crumbs (less than a cent per choice) remain: they stay with the voter.
      if (given === 0) break;
    }
    for (const [projectId, amountCents] of mine) if (amountCents > 0) allocations.push({ voter, projectId, amountCents });
  });
  return allocations;
}
