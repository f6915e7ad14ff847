// Two spellings of one text in different Unicode normalization forms (é as U+00E9, or as e and the
// combining U+0301) look the same on every screen, yet Elasticsearch and Cassandra compare text code
// point by code point and keep them as two ids: a message about them has to show where they differ.

/** NFC or NFD, when the text is in that form (text without accents is in both: NFC is named). */
function formOf(text: string): string {
  if (text === text.normalize("NFC")) return "NFC";
  if (text === text.normalize("NFD")) return "NFD";
  return "neither NFC nor NFD";
}

function codePoints(chars: readonly string[]): string {
  return chars
    .map((c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
    .join(" ");
}

const MARK = /^\p{M}$/u;

/** The character at `at` with the combining marks that follow it. */
function characterAt(chars: readonly string[], at: number): string[] {
  let end = at + 1;
  while (end < chars.length && MARK.test(chars[end] ?? "")) end++;
  return chars.slice(at, end);
}

/**
 * Where `a` (named `aName`) and `b` differ only in their normalization form, a sentence naming each
 * one's form and the code points of the first character they spell differently; otherwise undefined.
 */
export function normalizationDifference(
  a: string,
  aName: string,
  b: string,
  bName: string,
): string | undefined {
  if (a === b || a.normalize("NFC") !== b.normalize("NFC")) return undefined;
  const left = Array.from(a);
  const right = Array.from(b);
  let at = 0;
  while (at < left.length && at < right.length && left[at] === right[at]) at++;
  // Back to the base character when the two part at one of its combining marks.
  while (at > 0 && (MARK.test(left[at] ?? "") || MARK.test(right[at] ?? ""))) at--;
  return (
    `the two are the same text in different Unicode normalization forms: ${aName} in ${formOf(a)}, ` +
    `${bName} in ${formOf(b)} (${codePoints(characterAt(left, at))} in ${aName}, ` +
    `${codePoints(characterAt(right, at))} in ${bName}), which Elasticsearch and Cassandra keep as two ids`
  );
}
