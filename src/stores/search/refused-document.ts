// Why the search side refused one document of a bulk request, as its dead letter says it. The node's
// own words name its cause, except for a term over Lucene's limit ("immense term"): Elasticsearch says
// only that a field failed to parse, quoting the whole value (16 KiB of it kept, the cause cut off),
// and both products say to "correct the analyzer". Such a letter says which limit the value met and
// what to do instead.

/** A bulk item's error, as the node answers it. */
export interface ItemError {
  readonly type: string;
  readonly reason?: string | null | undefined;
  readonly caused_by?: ItemError | undefined;
}

/** The longest term Lucene indexes, in bytes of UTF-8. */
const MAX_TERM_BYTES = 32766;
/** How much of a value a parse failure's preview keeps: enough to recognise it. */
const PREVIEW_CHARS = 100;

const IMMENSE = /immense term in field="([^"]+)"/;
const TERM_BYTES = /bytes can be at most \d+ in length; got (\d+)/;
/** The sub-fields in which OpenSearch's flat_object keeps a map's keys and values as terms. */
const FLAT_OBJECT_PART = /\.(_value|_valueAndPath|_path)$/;
const PREVIEW = /(Preview of field's value: ')([\s\S]*)'/;

export function refusedDocumentReason(
  product: string,
  index: string,
  status: number,
  error: ItemError | undefined,
): string {
  if (error === undefined) return `${product} refused the document (status ${status})`;
  const chain = causes(error);
  const immense = chain.map((e) => IMMENSE.exec(e.reason ?? "")).find((m) => m !== null);
  if (immense?.[1] !== undefined) {
    const bytes = chain.map((e) => TERM_BYTES.exec(e.reason ?? "")?.[1]).find((b) => b !== undefined);
    return immenseTerm(product, index, immense[1], bytes);
  }
  const said = chain.map((e) => `${e.type}: ${cutPreview(e.reason ?? "")}`);
  const refused = `${product} refused the document (${said.join("; caused by ")})`;
  const detected = DETECTED_DATE.exec(error.reason ?? "");
  return detected?.[1] === undefined ? refused : `${refused}. ${detectedDate(index, detected[1])}`;
}

/**
 * A property of an object field mapped as a date, which refuses a value that is not one. synced maps
 * every column's own field before it writes, so such a property was mapped by the cluster: from the
 * first value it met there that looked like a date (date_detection), a map's key of its own.
 */
const DETECTED_DATE = /failed to parse field \[([^\]]+\.[^\]]+)\] of type \[date\]/;

function detectedDate(index: string, field: string): string {
  return (
    `The index ${index} maps ${field} as date, as the cluster's dynamic mapping maps a property of an ` +
    "object field (each key of a map held there) whose first value looked like a date, and refuses " +
    "what is not one there; runs refuse the table until the field fits. Give the table a new index " +
    "(the table's index setting in the config file: synced maps a map column there as one field, with " +
    "no property per key), then replay the letter"
  );
}

/** The error and its causes, outermost first. */
function causes(error: ItemError): ItemError[] {
  const chain: ItemError[] = [];
  for (let e: ItemError | undefined = error; e !== undefined && chain.length < 10; e = e.caused_by)
    chain.push(e);
  return chain;
}

function immenseTerm(product: string, index: string, field: string, bytes: string | undefined): string {
  // Elasticsearch's bulk answer may leave out the innermost cause, which gives the size.
  const size = bytes === undefined ? "" : ` of ${bytes} bytes,`;
  const limit = `over the ${MAX_TERM_BYTES} bytes of UTF-8 one term of the index ${index} may hold`;
  const map = FLAT_OBJECT_PART.exec(field);
  if (map !== null) {
    return (
      `${product} refused the document: its field ${field.slice(0, map.index)} holds a key or value${size} ` +
      `${limit}, and a flat_object field keeps every key and value as a term. Shorten the value at its ` +
      "source, or leave the column out with the table's exclude setting in the config file; then replay the letter"
    );
  }
  return (
    `${product} refused the document: its field ${field} holds a value${size} ${limit} (the field is ` +
    `mapped as keyword without ignore_above). Set ignore_above on the field (PUT ${index}/_mapping) or ` +
    "map it as text in a new index, or shorten the value at its source; then replay the letter"
  );
}

/** A parse failure's preview of the value, cut short: it quotes the whole value, however long. */
function cutPreview(reason: string): string {
  return reason.replace(PREVIEW, (whole, label: string, value: string) =>
    value.length <= PREVIEW_CHARS ? whole : `${label}${value.slice(0, PREVIEW_CHARS)}...'`,
  );
}
