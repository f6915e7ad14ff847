// The canonical value tree shared by both stores. `bigint` holds integers beyond 2^53 exactly and is
// written to Elasticsearch as a plain JSON number.
export type JsonValue =
  null | boolean | number | string | bigint | JsonValue[] | { [key: string]: JsonValue };
