// What a JSON parser's message says went wrong, without what the text says. The parsers quote the
// text around the mistake ("hunter2" is not valid JSON; got 'h'), and a file synced was pointed at
// may hold a password (a --config or --dead-letter given the secret's file, or /etc/shadow): a message
// keeps what went wrong and where, never what the file holds.

/**
 * The problem `error` (from JSON.parse or the lossless parser) found in `text`, with its place: a line
 * and column in a file, or a column where `text` is one line of a file.
 */
export function jsonSyntaxProblem(error: unknown, text: string, within: "file" | "line" = "file"): string {
  const message = error instanceof Error ? error.message : "";
  const what = message.replace(/\s*(\(line \d+ column \d+\)|in JSON at position \d+|at position \d+)/g, "");
  const quotesText = what === "" || what.includes('"') || /\bgot '/.test(what);
  const said = quotesText ? "an unexpected character" : lowerFirst(what);
  const position = /at position (\d+)/.exec(message);
  if (position === null) return said;
  const at = Number(position[1]);
  return `${said} at ${within === "line" ? `column ${at + 1}` : lineAndColumn(text, at)}`;
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split("\n");
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
