// Why Cassandra refused one row that synced wrote, as its dead letter says it. A mutation over the
// node's max_mutation_size (half of commitlog_segment_size by default) is the limit a large document
// meets: its letter named the setting by the name it had before Cassandra 4.1
// (max_mutation_size_in_kb) and said nothing of what to do.

const OVERSIZED = /oversized mutation/i;
const SIZES = /oversized mutation \((\d+)\/(\d+)\)/i;

const WHAT_TO_DO =
  "Shorten it at its source, or raise commitlog_segment_size or max_mutation_size on every node; then " +
  "replay the letter";

export function refusedRowReason(table: string, message: string): string {
  const refused = `Cassandra refused the row for ${table}`;
  if (!OVERSIZED.test(message)) return `${refused}: ${message}`;
  const sizes = SIZES.exec(message);
  const over =
    sizes === null
      ? "over the bytes a node takes in one"
      : `${sizes[1]} bytes, over the ${sizes[2]} a node takes in one`;
  return (
    `${refused}: the record is too large for one Cassandra mutation: its mutation is ${over} ` +
    `(max_mutation_size, by default half of commitlog_segment_size). ${WHAT_TO_DO} (${message})`
  );
}
