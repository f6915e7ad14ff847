// Whether an existing index would refuse the fields a run maps for a table's new columns for its
// index.mapping.total_fields.limit: what a dry run and synced plan check in place of mapping them, so
// that they refuse the table as the run would, where they said it would be synced.
import { FIELD_LIMIT_SETTING, fieldLimit, propertiesCount } from "./field-count.js";
import type { FieldMappings } from "./mapping.js";
import type { SearchClient } from "./search-client.js";

/**
 * The cluster's refusal, in its words, where mapping `properties` in `index` (or in any index its alias
 * names) would pass that index's field limit; undefined where it would not, or where the count cannot
 * be trusted (a dotted name may fall into an object already mapped; a mapping counted its own way).
 */
export async function fieldLimitRefusal(
  client: Pick<SearchClient, "fieldCounts" | "readSettings" | "productName">,
  index: string,
  properties: FieldMappings,
): Promise<string | undefined> {
  const adding = propertiesCount(properties);
  if (adding === undefined || adding === 0 || Object.keys(properties).some((f) => f.includes("."))) {
    return undefined;
  }
  const [counts, settings] = await Promise.all([
    client.fieldCounts(index),
    client.readSettings(index, [FIELD_LIMIT_SETTING]),
  ]);
  for (const name of Object.keys(counts).sort()) {
    const count = counts[name];
    const limit = fieldLimit(settings[name]?.[FIELD_LIMIT_SETTING]);
    if (count === undefined || limit === undefined || count + adding <= limit) continue;
    return (
      `${client.productName} would answer "Limit of total fields [${limit}] has been exceeded" for index ` +
      `${name}, which maps ${count} fields, where the new columns add ${adding}`
    );
  }
  return undefined;
}
