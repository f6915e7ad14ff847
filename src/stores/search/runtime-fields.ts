// Runtime fields an index maps under `runtime` rather than `properties`: one without a script reads
// its value from `_source`, so documents hold it as they hold any mapped field.
import type { FieldMapping, FieldMappings } from "./mapping.js";

/** Where a runtime field gets its value from; only its type matters when it has no script. */
interface RuntimeField {
  readonly type?: string;
  readonly script?: unknown;
  readonly format?: string;
}

/** Types whose values a runtime field without a script reads from `_source` as a field would hold them. */
const SOURCE_TYPES = new Set(["keyword", "long", "double", "boolean", "date", "ip"]);

/**
 * `properties` with each runtime field read from `_source` (no script, no property of its name) as a
 * field of its type, so that its values get a column as a mapped field's do. One with a script
 * computes its values, which no document's `_source` holds, and one of a dotted name is left out.
 */
export function withSourceRuntimeFields(properties: FieldMappings, runtime: unknown): FieldMappings {
  if (typeof runtime !== "object" || runtime === null) return properties;
  const added: Record<string, FieldMapping> = {};
  for (const [name, field] of Object.entries(runtime as Readonly<Record<string, RuntimeField>>)) {
    if (name in properties || name.includes(".") || field.script !== undefined) continue;
    if (field.type === undefined || !SOURCE_TYPES.has(field.type)) continue;
    added[name] = { type: field.type, ...(field.format === undefined ? {} : { format: field.format }) };
  }
  return Object.keys(added).length === 0 ? properties : { ...properties, ...added };
}
