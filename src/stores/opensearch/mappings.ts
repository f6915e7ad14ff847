// Field types that OpenSearch names differently. Elasticsearch's `flattened` (a whole JSON object as
// one field, which synced uses for CQL maps) is `flat_object` in OpenSearch 2.7 and later, which takes
// none of flattened's parameters (ignore_above, depth_limit).
type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function field(mapping: Json): Json {
  if (mapping["type"] === "flattened") return { type: "flat_object" };
  const out: Json = { ...mapping };
  for (const key of ["properties", "fields"]) {
    const children = mapping[key];
    if (isObject(children)) out[key] = properties(children);
  }
  return out;
}

/** `properties` of a mapping, with every field type OpenSearch knows under another name renamed. */
export function properties(fields: Json): Json {
  return Object.fromEntries(
    Object.entries(fields).map(([name, mapping]) => [name, isObject(mapping) ? field(mapping) : mapping]),
  );
}

/** An index creation or mapping update body, as OpenSearch takes it. */
export function forOpenSearch(body: Json | undefined): Json | undefined {
  if (body === undefined) return undefined;
  const out: Json = { ...body };
  if (isObject(body["properties"])) out["properties"] = properties(body["properties"]);
  const mappings = body["mappings"];
  if (isObject(mappings) && isObject(mappings["properties"])) {
    out["mappings"] = { ...mappings, properties: properties(mappings["properties"]) };
  }
  return out;
}
