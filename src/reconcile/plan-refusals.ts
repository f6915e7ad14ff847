// Refusals the plan decides, each with what the user can do: tables whose names differ only in case,
// an alias named like one table over another table's own index, and an index that cannot give
// versions.

/**
 * Tables whose names differ only in case (one made with a quoted name): synced knows a table by its
 * name in lowercase, as its index is named, so it could only mix them.
 */
export function caseTwins(keyspace: string, names: readonly string[]): string {
  const listed = [...names].sort();
  const all = `${listed.slice(0, -1).join(", ")} and ${listed.at(-1) ?? ""}`;
  const lower = (listed[0] ?? "").toLowerCase();
  return (
    `tables ${all} differ only in case, and synced knows a table by its name in lowercase (its ` +
    "index, its settings in the config file, --tables and --exclude-tables), so it would mix their " +
    `records. To sync one, copy it into a table of ${keyspace} with a name of its own. Neither is ` +
    `synced, and the checkpoint stays (leave them out with --exclude-tables ${lower} to let it move).`
  );
}

/** An alias named like `table` over the own index of table `owner`: their documents would mix. */
export function aliasClash(table: string, alias: string, index: string, owner: string): string {
  return (
    `${alias} is an alias of ${index}, the index of table ${owner}: two tables cannot share an index, ` +
    `as ${table}'s rows would go into it and ${owner}'s documents into table ${table}. Give table ` +
    `${table} an index of its own (the config file's tables.${table}.index), or name the alias for ` +
    "no table. The table is not synced until then, and the checkpoint stays (leave the table out with " +
    "--exclude-tables to let it move)."
  );
}

/**
 * Why a table without a routing setting cannot live in an index that requires routing: the index
 * refuses each document written without a routing value, and a lookup by id without one finds none,
 * so every record would be dead-lettered, run after run.
 */
export function routingRefusal(table: string, index: string): string {
  return (
    `index ${index} requires a routing value (its mapping has "_routing": {"required": true}), so it ` +
    "refuses every document written without one, and a lookup by id without one finds nothing. Name " +
    `the key column whose value routes the table's documents in the config file's tables.${table}.routing ` +
    "(every application writing them must route them by that value), or give the table an index of its " +
    `own (tables.${table}.index). The table is not synced until then, and the checkpoint stays (leave ` +
    "the table out with --exclude-tables to let it move)."
  );
}

/** The timestamp field as the index maps it, when it cannot give versions (TimestampMapping). */
interface UnusableTimestamp {
  readonly field: string;
  readonly mappedAs?: string;
  readonly format?: string;
}

/**
 * Why a table whose index cannot give versions is refused, and what mends it: a field not mapped yet
 * can be mapped (the documents that already hold it indexed again), one mapped as another type or
 * with a date format synced cannot read cannot be changed, so the table needs a new index.
 */
export function timestampRefusal(
  table: string,
  index: string,
  timestamp: UnusableTimestamp,
  shared: boolean,
): string {
  // In the type-field layout every table shares the index, and -i names another.
  const newIndex = shared
    ? "give the tables a new index (-i naming one that does not exist: synced creates it and copies " +
      "the tables into it)"
    : `give the table a new index (the config file's tables.${table}.index: synced creates it and ` +
      "copies the table into it)";
  const { what, fix } = timestampProblem(index, timestamp, newIndex);
  return (
    `index ${index} ${what}, which each document's version is read from and each run's range is ` +
    `searched on. To sync the table, ${fix}. The table is not synced until then, and the checkpoint ` +
    "stays (leave the table out with --exclude-tables to let it move)."
  );
}

/** What is wrong with the timestamp field, and what mends it: a field not mapped yet can be mapped. */
function timestampProblem(
  index: string,
  { field, mappedAs, format }: UnusableTimestamp,
  newIndex: string,
): { what: string; fix: string } {
  if (format !== undefined) {
    return {
      what:
        `maps field '${field}' as ${mappedAs ?? "date"} with format '${format}', whose values synced ` +
        "cannot read as versions (it reads ISO-8601 text and epoch milliseconds, and writes the text)",
      fix: `a mapped field's format cannot change, so ${newIndex}`,
    };
  }
  if (mappedAs !== undefined) {
    return {
      what: `maps field '${field}' as ${mappedAs}, not date or date_nanos`,
      fix: `a mapped field's type cannot change, so ${newIndex}`,
    };
  }
  return {
    what: `maps no field '${field}'`,
    fix:
      `map the field (PUT ${index}/_mapping {"properties": {"${field}": {"type": "date_nanos"}}}, then ` +
      `POST ${index}/_update_by_query if documents already hold it), or ${newIndex}`,
  };
}
