// The query of a scan: the documents of a type whose version lies in the run's range, written once for
// both products. A `date` field is compared in epoch milliseconds, a `date_nanos` field in its own
// text form, clamped to the years it can hold (1970 to 2262).
import type { TimeRange } from "../../reconcile/record-store.js";
import type { TablePlan } from "../../reconcile/table-plan.js";
import { millisecondBound } from "../../core/version.js";
import { readsBeforeEarliest } from "../../core/micros.js";
import type { Query } from "./query.js";
import { documentFields } from "./document-fields.js";
import { DATE_NANOS_MAX, DATE_NANOS_MIN, formatEsTimestamp } from "./timestamps.js";

/**
 * The documents dated in [from, to); `to` undefined: from `from` on. From the earliest, every one
 * before `to`: a `date` field holds years before 1 (as negative epoch milliseconds), which the run
 * dead-letters rather than leave unseen.
 */
function versionRange(plan: TablePlan, from: bigint, to: bigint | undefined): Query {
  const field = documentFields(plan).timestamp;
  if (plan.es.timestampPrecision === "millisecond") {
    return {
      range: {
        [field]: {
          ...(readsBeforeEarliest(from) ? {} : { gte: millisecondBound(from).toString() }),
          ...(to === undefined ? {} : { lt: millisecondBound(to).toString() }),
          format: "epoch_millis",
        },
      },
    };
  }
  const clamp = (v: bigint): bigint =>
    v < DATE_NANOS_MIN ? DATE_NANOS_MIN : v > DATE_NANOS_MAX ? DATE_NANOS_MAX : v;
  return {
    range: {
      [field]: {
        gte: formatEsTimestamp(clamp(from), "microsecond"),
        ...(to === undefined ? {} : { lt: formatEsTimestamp(clamp(to), "microsecond") }),
        format: "strict_date_optional_time_nanos",
      },
    },
  };
}

/**
 * The documents in the range and, when looking for bad records (a future limit is set), those dated
 * past the limit and those with no usable timestamp at all: no range ever selects them, so they would
 * otherwise go unseen. What lies between the end and the limit is no record of this run's: a
 * backfill of an old month reads that month, not every document since.
 */
export function rangeQuery(plan: TablePlan, range: TimeRange): Query {
  const inRange = versionRange(plan, range.begin, range.end);
  const selected: Query =
    range.futureLimit === undefined
      ? inRange
      : {
          bool: {
            should: [
              inRange,
              versionRange(plan, range.futureLimit, undefined),
              { bool: { must_not: { exists: { field: documentFields(plan).timestamp } } } },
            ],
            minimum_should_match: 1,
          },
        };
  const filters = [selected];
  const type = plan.es.typeFilter;
  if (type) filters.push({ term: { [type.queryField]: type.value } });
  return { bool: { filter: filters } };
}
