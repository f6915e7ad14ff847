// Why a table cannot be synced with the index discovery found for it, each with what the user can do:
// the index is closed, an alias over several indices, or its `_source` is not whole.
import type { SourceGap } from "./search-client.js";

/** Why a table whose index is closed (for maintenance, say) is not synced, and how it will be. */
export function closedRefusal(index: string): string {
  return (
    `index ${index} is closed, so it can be neither read nor written: open it (POST ${index}/_open), ` +
    "and the next run syncs the table. Until then the checkpoint stays (leave the table out with " +
    "--exclude-tables to let it move)."
  );
}

/**
 * Why a table cannot live in an alias over several indices (a rollover alias, an index per month):
 * a lookup by id and a conditional write each name one index, and the document may be in any of them.
 */
export function aliasRefusal(
  table: string,
  alias: string,
  indices: readonly string[],
  configured = false,
): string {
  const setting = `the config file's tables.${table}.index`;
  const fix = configured ? `Name one index in ${setting}` : `Give the table an index of its own (${setting})`;
  return (
    `${alias} is an alias over ${indices.length} indices (${indices.join(", ")}): synced looks each ` +
    "document up by id and writes it back conditionally in one index per table, which an alias over " +
    `several cannot take. ${fix}, or point the alias at one ` +
    "index. The table is not synced until then, and the checkpoint stays (leave the table out with " +
    "--exclude-tables to let it move)."
  );
}

/**
 * Why no table can live in the type-field layout's index when `-i` names an alias over several
 * indices: most often the alias the index-per-table layout keeps over its tables' indices, met when a
 * configuration's --layout is changed and its -i kept. Every write to such an alias is refused by
 * the cluster (it has no write index), and a lookup by id may find a document in any of them.
 */
export function sharedAliasRefusal(alias: string, indices: readonly string[]): string {
  return (
    `${alias} is an alias over ${indices.length} indices (${indices.join(", ")}), such as the ` +
    "index-per-table layout keeps over its tables' indices: the type-field layout keeps every table " +
    "in the one index -i names, where synced looks each document up by id and writes it back " +
    "conditionally, which an alias over several cannot take. Give -i an index of its own (one that " +
    "does not exist yet: synced creates it and copies the tables into it), or point the alias at one " +
    "index. No table is synced until then, and the checkpoint stays."
  );
}

/**
 * Why a table cannot live in an index that does not keep `_source` whole (made so to save disk):
 * synced reads documents back from it, to compare them and to copy them to Cassandra. With nothing
 * kept, no document can be read; with fields left out, every document reads as differing from its
 * row at the same version, and the tie-break would either rewrite it on every run or clear the column
 * in the row. Neither can be mended in place, as no reindex recovers what `_source` never kept.
 */
export function sourceRefusal(table: string | undefined, gap: SourceGap): string {
  const quoted = (patterns: readonly string[]): string => patterns.map((p) => JSON.stringify(p)).join(", ");
  const limits = [
    ...(gap.includes.length > 0 ? [`"includes": [${quoted(gap.includes)}]`] : []),
    ...(gap.excludes.length > 0 ? [`"excludes": [${quoted(gap.excludes)}]`] : []),
  ];
  const what = gap.disabled
    ? `keeps no _source (its mapping has "_source": {"enabled": false}), so synced cannot read its ` +
      "documents back, to compare them or to copy them to Cassandra, and no reindex can recover them"
    : `leaves fields out of _source (its mapping has "_source": {${limits.join(", ")}}), so its ` +
      "documents read back without them: each would differ from its row on every run, and a run could " +
      "clear those columns in Cassandra, or drop such fields from documents another application wrote";
  // In the type-field layout every table shares the index, and -i names another.
  const fix =
    table === undefined
      ? "Give the tables a new index (-i naming one that does not exist: synced creates it with _source " +
        "whole and copies the tables into it). No table is synced until then, and the checkpoint stays."
      : `Give the table a new index (the config file's tables.${table}.index: synced creates it with ` +
        "_source whole and copies the table into it). The table is not synced until then, and the " +
        "checkpoint stays (leave the table out with --exclude-tables to let it move).";
  return `index ${gap.index} ${what}. ${fix}`;
}
