// Field types that OpenSearch names differently. The map type, a whole JSON object as one field, which
// synced names `flattened` as Elasticsearch does (search/mapping.ts), is `flat_object` in OpenSearch
// 2.7 and later, and takes none of flattened's parameters (ignore_above, depth_limit). A mapping is
// renamed on its way to OpenSearch and back, so a map field reads back as the map type it was
// written as, whichever product holds it.
import {
  MAP_FIELD_TYPE,
  OPENSEARCH_MAP_FIELD_TYPE as FLAT_OBJECT,
  type FieldMapping,
  type FieldMappings,
} from "../search/mapping.js";

function renamed(
  properties: FieldMappings,
  field: (mapping: FieldMapping) => FieldMapping | undefined,
): FieldMappings {
  const rename = (mapping: FieldMapping): FieldMapping => {
    const own = field(mapping);
    if (own !== undefined) return own;
    const { properties: children, fields } = mapping;
    if (children === undefined && fields === undefined) return mapping;
    return {
      ...mapping,
      ...(children === undefined ? {} : { properties: renamed(children, field) }),
      ...(fields === undefined ? {} : { fields: renamed(fields, field) }),
    };
  };
  return Object.fromEntries(Object.entries(properties).map(([name, mapping]) => [name, rename(mapping)]));
}

/** Field mappings as OpenSearch takes them: the map type as `flat_object`, at any depth. */
export function toOpenSearch(properties: FieldMappings): FieldMappings {
  return renamed(properties, (mapping) =>
    mapping.type === MAP_FIELD_TYPE ? { type: FLAT_OBJECT } : undefined,
  );
}

/** Field mappings OpenSearch answered, with `flat_object` read as the map type, at any depth. */
export function fromOpenSearch(properties: FieldMappings): FieldMappings {
  return renamed(properties, (mapping) =>
    mapping.type === FLAT_OBJECT ? { ...mapping, type: MAP_FIELD_TYPE } : undefined,
  );
}
