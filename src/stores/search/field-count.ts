// How many fields an index maps, as the cluster counts them against index.mapping.total_fields.limit:
// each field, each object (nested or not), each multi-field (a text's `keyword`), each field alias and
// each runtime field counts one; the metadata fields (`_id`, `_source`, ...) and the root do not.
// Elasticsearch's MappingLookup.checkFieldLimit and OpenSearch's count so; tried on both, an index at its
// limit refuses one field more. What a run would add is counted the same way, so that a dry run can
// say where the index would refuse a new column's fields.

/** The default index.mapping.total_fields.limit of Elasticsearch and OpenSearch. */
export const DEFAULT_FIELD_LIMIT = 1000;

export const FIELD_LIMIT_SETTING = "index.mapping.total_fields.limit";

/**
 * Field types that map fields of their own which the mapping does not show (Elasticsearch's
 * semantic_text), so that their count cannot be told from the mapping.
 */
const HIDDEN_FIELDS = new Set(["semantic_text"]);

type Properties = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Properties {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The fields `properties` map, below each and their multi-fields; undefined where it cannot be told. */
export function propertiesCount(properties: unknown): number | undefined {
  if (properties === undefined) return 0;
  if (!isObject(properties)) return undefined;
  let count = 0;
  for (const mapping of Object.values(properties)) {
    if (!isObject(mapping)) return undefined;
    if (typeof mapping["type"] === "string" && HIDDEN_FIELDS.has(mapping["type"])) return undefined;
    const below = propertiesCount(mapping["properties"]);
    const multi = propertiesCount(mapping["fields"]);
    if (below === undefined || multi === undefined) return undefined;
    count += 1 + below + multi;
  }
  return count;
}

/**
 * The fields one index's mapping (the `mappings` of GET <index>/_mapping) counts against its limit, or
 * undefined where the count cannot be trusted: OpenSearch's derived fields, whose count it keeps its own
 * way, or a type whose fields the mapping does not show.
 */
export function mappedFieldCount(mappings: unknown): number | undefined {
  if (!isObject(mappings)) return undefined;
  if (mappings["derived"] !== undefined) return undefined;
  const fields = propertiesCount(mappings["properties"]);
  const runtime = mappings["runtime"];
  if (fields === undefined || (runtime !== undefined && !isObject(runtime))) return undefined;
  return fields + (runtime === undefined ? 0 : Object.keys(runtime).length);
}

/** The limit an index's settings give, or undefined where the value is not a count. */
export function fieldLimit(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_FIELD_LIMIT;
  const limit = Number(value);
  return Number.isSafeInteger(limit) && limit >= 0 ? limit : undefined;
}
