/**
 * The counting of a vote round (issue 14): the input, the rule and an outcome that explains
 * itself with exact figures. Pure data; the client renders reasons in fr/en from their codes.
 *
 * Money is in integer minor units (cents) as bigint. Figures that are not whole cents (a
 * voter's equal share, a price per voter) are exact fractions (`Ratio`), never floats.
 */

export type Ballot =
  | { voter: string; kind: 'approval'; approved: string[] }
  | { voter: string; kind: 'points'; points: Record<string, number> };

/** Costs and budget in cents. Every ballot counts as one voter, an empty one too (it holds a share). */
export type Election = { budget: bigint; projects: { id: string; cost: bigint }[]; ballots: Ballot[] };

/**
 * `mes` follows equalshares.net: approval ballots with cost utilities (the project with the
 * highest effective vote count wins a round), points ballots with utility = points × cost.
 * `completion: 'add1'` raises every voter's endowment by `add1Step` cents (default 100: one
 * currency unit, as equalshares.net and pabutools' `voter_budget_increment=1` on whole-unit
 * costs) while the outcome still fits the budget and is not exhaustive, then spends what is
 * left greedily (by decreasing support, each project taken if it still fits: "Add1u").
 * `compareWithGreedy`: the comparison step, by voter satisfaction; if more voters prefer the
 * greedy outcome than the Equal Shares one, the greedy outcome is the result.
 */
export type CountRule =
  | { kind: 'greedy' }
  | { kind: 'mes'; completion: 'add1' | 'none'; compareWithGreedy: boolean; add1Step?: bigint };

/** An exact non-negative fraction, reduced, `den > 0`. */
export type Ratio = { num: bigint; den: bigint };

/**
 * The tie-break rule, written in the results. Among projects tied on the quantity the rule
 * maximises (support for greedy, effective support for Equal Shares): the lower cost first,
 * then the higher support (approvals or points), then the smaller project id (by UTF-16 code
 * units, as `<` compares strings). equalshares.net recommends the first two and a draw by lot
 * for the rest; the id replaces the lot so that a count is reproducible.
 */
export const TIE_BREAK = 'lower-cost.more-support.smaller-id' as const;
export type TieBreak = typeof TIE_BREAK;

/** Money spent by a set of voters on one selected project (cents, exact). */
export type Spending = { project: string; amount: Ratio };

export type Reason =
  /** Greedy: `rank` in the order of decreasing support (1 = most supported); the budget left when its turn came. */
  | { code: 'greedy-selected'; rank: number; budgetLeft: bigint }
  | { code: 'greedy-too-expensive'; rank: number; budgetLeft: bigint }
  /** Nobody approved it or gave it a point: no rule funds it. */
  | { code: 'no-support' }
  /** Costs nothing and has support: taken before any round (as pabutools does). */
  | { code: 'mes-free' }
  /**
   * Equal Shares bought it in `round` (1 = first purchase). `effectiveSupport` = cost ÷
   * `price`; `price` is what each fully paying supporter paid (per point, for points
   * ballots); `payers`/`partialPayers`: supporters who paid the price / who gave all they had left.
   */
  | {
      code: 'mes-selected';
      round: number;
      effectiveSupport: Ratio;
      price: Ratio;
      payers: number;
      partialPayers: number;
    }
  /**
   * Equal Shares could not buy it: its supporters' money left (`supportersLeft`, out of
   * `supportersEndowment`) is below its cost; `spentOn` lists what they paid for projects
   * bought before (largest first). `completionBudgetLeft`: with the greedy completion, the
   * budget left when its turn came there, which was below its cost.
   */
  | {
      code: 'mes-unaffordable';
      supportersEndowment: Ratio;
      supportersLeft: Ratio;
      spentOn: Spending[];
      completionBudgetLeft?: bigint;
    }
  /** Taken by the greedy completion after Equal Shares: rank by support and the budget left then. */
  | { code: 'completion-selected'; rank: number; budgetLeft: bigint };

export type ProjectResult = {
  id: string;
  cost: bigint;
  /** Approvals (approval ballots) or total points (points ballots). */
  support: number;
  /** Voters who approved it or gave it at least a point. */
  supporters: number;
  selected: boolean;
  reason: Reason;
};

/** Where the tie-break rule decided: the tied projects, and the one taken. */
export type Tie = { stage: 'greedy' | 'mes' | 'completion'; among: string[]; chosen: string };

export type VoterShare = { voter: string; spent: Ratio; payments: Spending[] };

export type MesDetails = {
  /** Each voter's final endowment: budget ÷ voters + increments × step. */
  endowment: Ratio;
  increments: number;
  step: bigint;
  /** Equal Shares computations run (1 + the Add1 attempts). */
  runs: number;
  /** Why Add1 stopped: the outcome was exhaustive, or the next increment would exceed the budget. */
  stop: 'no-completion' | 'exhaustive' | 'next-exceeds-budget';
  /** Projects Equal Shares bought (before the greedy completion), in order. */
  bought: string[];
  /** Every voter's spending in the Equal Shares purchases, in ballot order. */
  shares: VoterShare[];
  comparison?: { prefersMes: number; prefersGreedy: number; chosen: 'mes' | 'greedy' };
};

export type Outcome = {
  rule: CountRule;
  tieBreak: TieBreak;
  /** Selected project ids, in selection order. */
  selected: string[];
  budget: bigint;
  used: bigint;
  /** No unselected project with support costs at most what is left. */
  exhaustive: boolean;
  /** Per project, in the election's order. */
  projects: ProjectResult[];
  ties: Tie[];
  mes?: MesDetails;
};
