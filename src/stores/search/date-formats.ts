// The date formats whose values synced reads exactly: ISO-8601 text and epoch milliseconds. A date
// field of another format (`epoch_second`, `yyyyMMdd`, a pattern of its own) may hold numbers or
// digits that synced would read as milliseconds, or text it cannot read at all.
import type { FieldMapping } from "./mapping.js";
import type { UnreadableFormat } from "../../reconcile/schema-drift.js";
import { DATE_FORMAT, TIMESTAMP_FORMAT } from "../values/es-mapping.js";

/** The formats that take the date-time text synced writes (ISO-8601, with `Z` or an offset). */
const DATE_TIME_FORMATS = new Set([
  "strict_date_optional_time",
  "date_optional_time",
  "strict_date_optional_time_nanos",
  // synced's own timestamp fields also take ISO-8601 with an offset.
  ...formatsOf(TIMESTAMP_FORMAT).filter((f) => f !== "epoch_millis"),
]);

/** Those, epoch milliseconds, and a date alone (synced's own date fields). */
const READABLE_FORMATS = new Set([...DATE_TIME_FORMATS, "epoch_millis", ...formatsOf(DATE_FORMAT)]);

function formatsOf(format: string): string[] {
  return format.split("||").map((f) => f.trim());
}

/**
 * Whether the field reads four digits alone as epoch milliseconds: its format lists epoch_millis
 * before any date-time format, which would read them as a year (the default order does that).
 */
export function digitsAsMillis(mapping: FieldMapping): boolean {
  if (mapping.format === undefined) return false;
  const formats = formatsOf(mapping.format);
  const millis = formats.indexOf("epoch_millis");
  return millis >= 0 && formats.slice(0, millis).every((f) => !DATE_TIME_FORMATS.has(f));
}

/** A date field's type and format when synced cannot read its values exactly; undefined for any other field. */
export function unreadableDateFormat(mapping: FieldMapping): UnreadableFormat | undefined {
  const { type, format } = mapping;
  if ((type !== "date" && type !== "date_nanos") || format === undefined) return undefined;
  const formats = formatsOf(format);
  // synced writes date-time text, which a field of epoch formats or dates alone refuses.
  const readable =
    formats.every((f) => READABLE_FORMATS.has(f)) && formats.some((f) => DATE_TIME_FORMATS.has(f));
  return readable ? undefined : { type, format };
}
