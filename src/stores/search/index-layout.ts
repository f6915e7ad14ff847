// Where each Cassandra table lives in Elasticsearch. Elasticsearch 8 has no mapping types, so by
// default each table gets an index named `<index>-<table>`, and an alias named `<index>` spans them
// all, so searching the alias searches every type as the old multi-type index did. The type-field
// layout keeps every table in the one index `<index>`, told apart by a field, as indices migrated
// from Elasticsearch 5/6 are; there `_id` is `<table>-<id>`, as Elastic's migration guide reindexes.
import type { Layout } from "../../core/layout.js";

export interface LayoutSettings {
  readonly layout: Layout;
  readonly index: string;
  readonly typeField: string;
}

export function indexForTable(settings: LayoutSettings, table: string): string {
  return settings.layout === "type-field" ? settings.index : `${settings.index}-${table.toLowerCase()}`;
}

export function idPrefixForTable(settings: LayoutSettings, table: string): string {
  return settings.layout === "type-field" ? `${table}-` : "";
}

/** The type an index-per-table index holds, or undefined for an index outside the layout. */
export function typeOfIndex(settings: LayoutSettings, indexName: string): string | undefined {
  const prefix = `${settings.index}-`;
  return indexName.startsWith(prefix) && indexName.length > prefix.length
    ? indexName.slice(prefix.length)
    : undefined;
}
