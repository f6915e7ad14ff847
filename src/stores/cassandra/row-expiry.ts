// A table's default_time_to_live counts from each write, not from the version a row holds. A copy of
// a record written there now would live a whole TTL from now: a row that expired would come back, for
// another TTL, from its document. So a record synced into such a table is given the time a row
// written at its version has left, and one with none left is not written at all.
import type { TablePlan } from "../../reconcile/table-plan.js";

const MICROS_A_SECOND = 1_000_000n;
/** The longest TTL Cassandra takes (20 years): a record dated ahead of now may have more left. */
const MAX_TTL_SECONDS = 630_720_000;

/**
 * Whole seconds a row of `version` has left to live now (`now()`, microseconds), at least one; 0 when
 * a row written at its version would have expired already; undefined when the table's rows do not
 * expire by default. The clock is read only for a table whose rows expire: this runs for every write.
 */
export function secondsToLive(plan: TablePlan, version: bigint, now: () => bigint): number | undefined {
  if (plan.defaultTtlSeconds === undefined) return undefined;
  const left = version + BigInt(plan.defaultTtlSeconds) * MICROS_A_SECOND - now();
  // Rounded up: a TTL of 0 means "never expires" to Cassandra.
  if (left <= 0n) return 0;
  return Math.min(MAX_TTL_SECONDS, Number((left + MICROS_A_SECOND - 1n) / MICROS_A_SECOND));
}
