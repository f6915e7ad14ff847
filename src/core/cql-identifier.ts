// Unquoted CQL identifiers are folded to lower case and may not be keywords, so any other name is
// printed in double quotes. Quoting a name that did not need it is harmless, which is why the
// list below errs on the side of too many words.

const RESERVED = new Set(
  (
    "add allow alter and apply asc authorize batch begin by columnfamily create default delete desc " +
    "describe drop entries execute from full grant if in index infinity insert into is keyspace limit " +
    "materialized mbean mbeans modify nan norecursive not null of on or order primary rename replace " +
    "revoke schema select set table to token truncate unlogged unset update use using view where with " +
    "frozen list map tuple vector static"
  ).split(" "),
);

export function quoteIdentifier(name: string): string {
  if (/^[a-z][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** A name as Cassandra lists it from one that may be written in CQL's quotes: `"Last Name"` → Last Name. */
export function unquoteIdentifier(name: string): string {
  const quoted = name.length >= 2 && name.startsWith('"') && name.endsWith('"');
  return quoted ? name.slice(1, -1).replaceAll('""', '"') : name;
}
