// How tables map onto Elasticsearch indices. Elasticsearch 8 has no mapping types, so by default each
// table gets an index of its own, under an alias that spans them all; the type-field layout keeps
// every table in one index, told apart by a field, as indices migrated from Elasticsearch 5/6 are.

export const LAYOUTS = ["index-per-table", "type-field"] as const;
export type Layout = (typeof LAYOUTS)[number];
