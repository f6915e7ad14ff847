// Finds the types an index (or alias) holds and creates what is missing: an index with a mapping
// derived from the CQL schema, with `date_nanos` for the timestamp so microseconds survive.
import type { MappingTraits, SearchClient } from "./search-client.js";
import { aliasRefusal, closedRefusal, sharedAliasRefusal, sourceRefusal } from "./index-refusals.js";
import {
  mappingAt,
  missingFields,
  type FieldMapping,
  type FieldMappings,
  type IndexMapping,
} from "./mapping.js";
import type { Column } from "../../reconcile/table-plan.js";
import type { TimestampMapping } from "../../core/version.js";
import { digitsAsMillis, unreadableDateFormat } from "./date-formats.js";
import { ConfigError } from "../../core/errors.js";
import { esMappingFor } from "../values/es-mapping.js";
import { typeOfIndex, type LayoutSettings } from "./index-layout.js";
import { isSearchError } from "./search-error.js";

export interface EsType {
  readonly name: string;
  readonly index: string;
  readonly properties: FieldMappings;
  /** The timestamp field's precision, or why the type cannot be synced. */
  readonly timestamp: TimestampMapping;
  /** Why the table cannot be synced with this index until the user changes it (TypeInput.refusal). */
  readonly refusal?: string;
  /** The indices behind `index` when it is an alias (TypeInput.aliasOf). */
  readonly aliasOf?: readonly string[];
  /** TypeInput.empty. */
  readonly empty?: boolean;
  /** TypeInput.concrete. */
  readonly concrete?: readonly string[];
  /** TypeInput.routingRequired. */
  readonly routingRequired?: boolean;
}

/** EsType.routingRequired, where one of the indices behind the type's requires routing. */
function routed(traits: MappingTraits, behind: readonly string[]): { routingRequired?: true } {
  return traits.routingRequired.some((index) => behind.includes(index)) ? { routingRequired: true } : {};
}

export interface TimestampField {
  readonly name: string;
}

export function timestampPrecision(properties: FieldMappings, field: string): EsType["timestamp"] {
  const mapping = mappingAt(properties, field);
  if (mapping === undefined) return { problem: `field '${field}' is not mapped`, field };
  const unreadable = unreadableDateFormat(mapping);
  if (unreadable !== undefined) {
    const { type: mappedAs, format } = unreadable;
    return {
      problem: `field '${field}' is mapped as ${mappedAs} with format '${format}', whose values synced cannot read as versions`,
      field,
      mappedAs,
      format,
    };
  }
  const digits = digitsAsMillis(mapping) ? { digitsAsMillis: true as const } : {};
  if (mapping.type === "date_nanos") return { precision: "microsecond", ...digits };
  if (mapping.type === "date") return { precision: "millisecond", ...digits };
  const mappedAs = mapping.type ?? "object";
  return { problem: `field '${field}' is mapped as ${mappedAs}, not date or date_nanos`, field, mappedAs };
}

export interface Discovery {
  readonly types: readonly EsType[];
  /** SchemaSnapshot.strayIndices. */
  readonly strayIndices?: readonly string[];
  /** Why no table can live in the type-field layout's one index, whatever its types (PlanInput.indexRefusal). */
  readonly refusal?: string;
  /** The field to filter and aggregate the type field on (type-field layout). */
  readonly typeQueryField: string;
  /** The mapping of the type-field layout's one index, where it exists (PlanInput.sharedFields). */
  readonly sharedProperties?: FieldMappings;
  /** PlanInput.sharedRoutingRequired. */
  readonly sharedRoutingRequired?: true;
}

/** Where the config file's settings put a table, and the field its timestamp column becomes. */
export interface TableOverrides {
  /** By table name in lower case: the index or alias a table's `index` setting names. */
  readonly indices: ReadonlyMap<string, string>;
  /** By table name in lower case: the field a `rename` setting gives the timestamp column. */
  readonly timestampFields: ReadonlyMap<string, string>;
}

const NO_OVERRIDES: TableOverrides = { indices: new Map(), timestampFields: new Map() };

export async function discoverTypes(
  client: SearchClient,
  layout: LayoutSettings,
  timestampField: string,
  overrides: TableOverrides = NO_OVERRIDES,
): Promise<Discovery> {
  const fieldOf = (type: string): string =>
    overrides.timestampFields.get(type.toLowerCase()) ?? timestampField;
  if (layout.layout === "index-per-table") {
    const [indices, aliases, closed, traits, configured] = await Promise.all([
      client.readMappings({ index: `${layout.index}-*`, pattern: true }),
      // The tables' aliases, and the one over them all (`-i`), in one request.
      client.readAliases(`${layout.index}*`),
      client.closedIndices(`${layout.index}-*`),
      client.mappingTraits(`${layout.index}-*`),
      configuredTypes(client, overrides.indices, fieldOf),
    ]);
    const noSource = (table: string, behind: readonly string[]): string | undefined => {
      const gap = traits.sourceGaps.find((g) => behind.includes(g.index));
      return gap === undefined ? undefined : sourceRefusal(table, gap);
    };
    const claimed = new Set(configured.flatMap((c) => c.concrete));
    const types: EsType[] = configured.map((c) => c.type);
    // An alias with a table's index name may be that table's index, as Elasticsearch users make one
    // (`<index>-users` over a reindexed `<index>-users-v2`). Only the plan knows the tables, and
    // decides (TypeInput.aliasOf): an alias may as well group tables' indices.
    for (const [alias, behind] of Object.entries(aliases)) {
      const name = typeOfIndex(layout, alias);
      if (name === undefined || overrides.indices.has(name.toLowerCase())) continue;
      const properties = indices[behind[0] ?? ""] ?? {};
      const refusal = behind.length > 1 ? aliasRefusal(name, alias, behind) : noSource(name, behind);
      const timestamp = timestampPrecision(properties, fieldOf(name));
      types.push({
        name,
        index: alias,
        properties,
        timestamp,
        aliasOf: behind,
        ...routed(traits, behind),
        ...(refusal === undefined ? {} : { refusal }),
      });
    }
    // A closed index (for maintenance, say) is still its table's: the table is refused, and its index
    // not created anew.
    for (const index of closed) {
      const name = typeOfIndex(layout, index);
      if (name === undefined || claimed.has(index) || overrides.indices.has(name.toLowerCase())) continue;
      const refusal = closedRefusal(index);
      types.push({ name, index, properties: {}, timestamp: timestampPrecision({}, fieldOf(name)), refusal });
    }
    for (const [index, properties] of Object.entries(indices)) {
      const name = typeOfIndex(layout, index);
      if (name === undefined) continue;
      // An index a table's setting names is that table's, whatever its name; and a table mapped to
      // another index has no type in `<index>-<table>`.
      if (claimed.has(index) || overrides.indices.has(name.toLowerCase())) continue;
      const refusal = noSource(name, [index]);
      const timestamp = timestampPrecision(properties, fieldOf(name));
      types.push({
        name,
        index,
        properties,
        timestamp,
        ...routed(traits, [index]),
        ...(refusal === undefined ? {} : { refusal }),
      });
    }
    // An index that maps no timestamp field may be one made ahead with its settings only (shards,
    // analyzers), which the plan maps as synced maps an index it creates, if nothing is in it yet.
    await Promise.all(
      types.map(async (type, i) => {
        if (type.aliasOf !== undefined || type.refusal !== undefined) return;
        if (!("problem" in type.timestamp) || "mappedAs" in type.timestamp) return;
        const documents = await client.count({ index: type.index });
        if (documents === 0) types[i] = { ...type, empty: true };
      }),
    );
    const held = new Set([...claimed, ...types.flatMap((t) => [t.index, ...(t.aliasOf ?? [])])]);
    const strays = (aliases[layout.index] ?? []).filter((index) => !held.has(index)).sort();
    return {
      types,
      typeQueryField: layout.typeField,
      ...(strays.length > 0 ? { strayIndices: strays } : {}),
    };
  }
  const exists = await client.indexExists(layout.index);
  if (!exists) return { types: [], typeQueryField: layout.typeField };
  const [mapping, traits] = await Promise.all([
    client.readMappings({ index: layout.index }),
    client.mappingTraits(layout.index),
  ]);
  const gaps = traits.sourceGaps;
  const properties = Object.values(mapping)[0] ?? {};
  const typeQueryField = keywordFieldFor(layout, properties);
  const response = await client.search({
    index: layout.index,
    size: 0,
    aggs: { types: { terms: { field: typeQueryField, size: 10_000 } } },
  });
  const terms = response.aggregations?.["types"] as { buckets?: readonly { key: unknown }[] } | undefined;
  const names = (terms?.buckets ?? []).map((bucket) => String(bucket.key));
  // An alias over several indices (the one over an index-per-table layout's indices, when --layout
  // changed and -i stayed) takes no write: each record would be refused by the cluster.
  const behind = Object.keys(mapping).sort();
  const refusal =
    behind.length > 1
      ? sharedAliasRefusal(layout.index, behind)
      : gaps[0] === undefined
        ? undefined
        : sourceRefusal(undefined, gaps[0]);
  const types = names.map((name) => ({
    name,
    index: layout.index,
    properties,
    timestamp: timestampPrecision(properties, fieldOf(name)),
    ...routed(traits, behind),
    ...(refusal === undefined ? {} : { refusal }),
  }));
  return {
    types,
    typeQueryField,
    sharedProperties: properties,
    ...(routed(traits, behind).routingRequired ? { sharedRoutingRequired: true as const } : {}),
    ...(refusal === undefined ? {} : { refusal }),
  };
}

/**
 * The types of the indices that tables' settings name and that exist, with the concrete indices
 * behind each name (an alias names others).
 */
async function configuredTypes(
  client: SearchClient,
  indices: ReadonlyMap<string, string>,
  fieldOf: (type: string) => string,
): Promise<{ type: EsType; concrete: string[] }[]> {
  const found = await Promise.all(
    [...indices].map(async ([table, index]) => {
      let mapping;
      let traits;
      let closedOnes;
      try {
        [mapping, traits] = await Promise.all([client.readMappings({ index }), client.mappingTraits(index)]);
        // By the concrete names: an alias (the setting may name one) has no state of its own.
        const names = Object.keys(mapping);
        closedOnes = names.length === 0 ? [] : await client.closedIndices(names.join(","));
      } catch (error) {
        if (isSearchError(error, "index-missing")) return undefined;
        throw error;
      }
      const properties = Object.values(mapping)[0] ?? {};
      const concrete = Object.keys(mapping).sort();
      const closed = concrete.find((i) => closedOnes.includes(i));
      const refusal =
        concrete.length > 1
          ? aliasRefusal(table, index, concrete, true)
          : closed !== undefined
            ? closedRefusal(closed)
            : traits.sourceGaps[0] === undefined
              ? undefined
              : sourceRefusal(table, traits.sourceGaps[0]);
      const type: EsType = {
        name: table,
        index,
        properties,
        timestamp: timestampPrecision(properties, fieldOf(table)),
        concrete,
        ...routed(traits, concrete),
        ...(refusal === undefined ? {} : { refusal }),
      };
      return { type, concrete };
    }),
  );
  return found.filter((f) => f !== undefined);
}

/**
 * The field that selects a type's documents by exact value: the type field itself when it is a
 * keyword, or its keyword sub-field when it is text, as dynamic mapping makes it (indices migrated
 * from Elasticsearch 5/6, or written by another application). A text field alone cannot be
 * aggregated, and matching its analyzed tokens would mix types that differ only in case.
 */
export function keywordFieldFor(layout: LayoutSettings, properties: FieldMappings): string {
  const field = layout.typeField;
  const mapping = mappingAt(properties, field);
  // Not mapped yet: no document has a type, and the first table's mapping adds it as a keyword.
  if (mapping === undefined) return field;
  if (mapping.type === "keyword" || mapping.type === "constant_keyword") return field;
  const subFields = mapping.fields ?? {};
  const keyword = Object.entries(subFields).find(([, sub]) => sub.type === "keyword");
  if (mapping.type === "text" && keyword !== undefined) return `${field}.${keyword[0]}`;
  throw new ConfigError(
    "type-field",
    undefined,
    `the type field '${field}' of index ${layout.index} is mapped as ${mapping.type ?? "object"} ` +
      "without a keyword sub-field, so synced cannot select one type's documents. Add a keyword " +
      `sub-field (PUT ${layout.index}/_mapping with "fields": {"keyword": {"type": "keyword"}}, then ` +
      `POST ${layout.index}/_update_by_query), reindex with '${field}' mapped as keyword, or name ` +
      "another field with --type-field",
    { details: { index: layout.index, field, mappedAs: mapping.type ?? "object" } },
  );
}

export interface MappingColumns {
  /** The key columns, which every document holds as fields (core/table-key.ts). */
  readonly key: readonly Column[];
  readonly timestamp: string;
  readonly tombstone: string;
  readonly content: readonly Column[];
  /** Whether a key column's value routes the table's documents (TablePlan.es.routing). */
  readonly routed?: boolean;
}

export function mappingForTable(layout: LayoutSettings, columns: MappingColumns): IndexMapping {
  const properties: Record<string, FieldMapping> = {};
  for (const column of columns.key) properties[column.name] = keyMapping(column);
  properties[columns.timestamp] = { type: "date_nanos" };
  properties[columns.tombstone] = { type: "boolean" };
  if (layout.layout === "type-field") properties[layout.typeField] = { type: "keyword" };
  for (const column of columns.content) properties[column.name] = esMappingFor(column.type);
  // A write without the routing value, by synced or another application, is refused instead of landing
  // on a shard where no lookup finds it. The type-field layout's index holds other tables too, whose
  // documents have no routing value: it requires none.
  if (columns.routed === true && layout.layout === "index-per-table") {
    return { _routing: { required: true }, properties };
  }
  return { properties };
}

/**
 * A key field is matched exactly and never cut: text keys as keyword without ignore_above (an `_id`
 * holds at most 512 bytes anyway), uuids as keyword, the other types as their values are mapped.
 */
export function keyMapping(column: Column): FieldMapping {
  const type = column.type;
  const textual =
    type.kind === "native" && ["text", "varchar", "ascii", "uuid", "timeuuid"].includes(type.name);
  return textual ? { type: "keyword" } : esMappingFor(type);
}

/**
 * Creates the table's index `index` (index-per-table, under the alias, whatever its name) or adds the
 * table's fields to the shared index (type-field). Returns the index name, and whether this call
 * created it (an index templates may have shaped too).
 */
export async function ensureTableIndex(
  client: SearchClient,
  layout: LayoutSettings,
  index: string,
  columns: MappingColumns,
): Promise<{ index: string; created: boolean }> {
  const mapping = mappingForTable(layout, columns);
  if (layout.layout === "index-per-table") {
    try {
      await client.createIndex({ index, mappings: mapping, aliases: [layout.index] });
    } catch (error) {
      // Made ahead with its settings only and empty (TypeInput.empty), or by another run just now.
      if (!isSearchError(error, "already-exists")) throw error;
      await addMissingFields(client, index, mapping.properties);
      return { index, created: false };
    }
    return { index, created: true };
  }
  if (await client.indexExists(index)) {
    await addMissingFields(client, index, mapping.properties);
    return { index, created: false };
  }
  await client.createIndex({ index, mappings: mapping });
  return { index, created: true };
}

/**
 * Maps the fields an existing index lacks. A field already mapped keeps its mapping (text with a
 * keyword sub-field, say, as dynamic mapping makes it): a mapping cannot change a field's type.
 */
async function addMissingFields(client: SearchClient, index: string, wanted: FieldMappings): Promise<void> {
  const current = await client.readMappings({ index });
  const missing = missingFields(wanted, Object.values(current)[0] ?? {});
  // Nothing to add asks nothing: a mapping request needs a privilege a run may not have.
  if (Object.keys(missing).length > 0) await client.addFields({ index, properties: missing });
}
