import { sql, type SQL } from 'drizzle-orm';

/**
 * Who holds an allowance in a round, in SQL: the same rule as `holdsAllowance` in
 * `@cagnotte/shared`. `m` is an alias of `memberships`, `r` one of `rounds`. Active, and either
 * marked eligible, or the round gives one to all members and this one has the role `member`
 * (staff hold one only when marked eligible).
 */
export const holdsAllowanceSql = (m: string, r: string): SQL =>
  sql.raw(`(${m}.active AND (${m}.eligible OR (${r}.allowance_holders = 'all_members' AND ${m}.role = 'member')))`);
