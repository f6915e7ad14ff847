// What to do about a table's index that the cluster refuses to create for one of its mapping limits:
// a table with more columns than index.mapping.total_fields.limit (1,000 by default) allows fields, or
// user-defined types nested deeper than index.mapping.depth.limit (20). The cluster's words name the
// limit only; every run failed on it again, and the operator was left to find the setting.

const LIMITS = [
  {
    refusal: /limit of total fields/i,
    setting: "index.mapping.total_fields.limit",
    cause:
      "The table has more columns than the index may map fields (each text column maps two, the text and " +
      "its keyword).",
  },
  {
    refusal: /limit of mapping depth/i,
    setting: "index.mapping.depth.limit",
    cause: "The table's user-defined types nest objects deeper than the index may map them.",
  },
] as const;

/**
 * The advice for a refusal whose reason is `reason`, or undefined when no mapping limit caused it.
 * `replay`: said of a replay's letter, which waits for the setting.
 */
export function mappingLimitAdvice(
  reason: string,
  index: string,
  table: string,
  replay = false,
): string | undefined {
  const limit = LIMITS.find((l) => l.refusal.test(reason));
  if (limit === undefined) return undefined;
  const raise =
    `Raise ${limit.setting} for it${replay ? "" : " before the next run"}, in an index template ` +
    `(PUT _index_template/<name> with index_patterns ["${index}"] and the setting), or by creating the index ` +
    `${index} beforehand with it; or leave columns out with the table's exclude or include setting in ` +
    "the config file";
  return replay
    ? `${limit.cause} ${raise}; then replay this letter.`
    : `${limit.cause} ${raise}, or the table with --exclude-tables ${table}.`;
}
