// The queries synced sends to the search side, in the query language both products share. Typed here
// for what synced writes; an adapter sends them as they are.

export type FieldValue = string | number | boolean;

/** A sort value of a hit, as `search_after` and composite aggregations continue from it. */
export type SortValue = string | number | boolean | null;

export interface RangeBounds {
  readonly gte?: string;
  readonly lt?: string;
  /** How the bounds are written, such as `epoch_millis`. */
  readonly format?: string;
}

export interface BoolQuery {
  /** Every one must match. */
  readonly filter?: readonly Query[];
  /** At least `minimum_should_match` must match. */
  readonly should?: readonly Query[];
  readonly minimum_should_match?: number;
  readonly must_not?: Query;
}

export type Query =
  | { readonly bool: BoolQuery }
  | { readonly term: Readonly<Record<string, FieldValue>> }
  | { readonly terms: Readonly<Record<string, readonly FieldValue[]>> }
  | { readonly range: Readonly<Record<string, RangeBounds>> }
  | { readonly exists: { readonly field: string } }
  /** Terms that match a regular expression in Lucene's syntax, over the whole term. */
  | { readonly regexp: Readonly<Record<string, string>> };

/** One sort key: a field, or `_shard_doc` (the order of a point in time), and its direction. */
export type SortField = Readonly<Record<string, "asc" | "desc">>;
