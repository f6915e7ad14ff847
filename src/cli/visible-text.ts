// Text for a terminal that shows what data holds rather than obeys it. Ids, reasons and values come
// from records other applications wrote; a control character among them (an escape sequence, a
// carriage return) would recolour, erase or rewrite lines of the operator's terminal, so that a
// document could hide its own letter or print a line synced never wrote. Each is shown as the JSON
// escape of its code (`\u001b`): the same text in a JSON object printed to stdout, where it is the
// escape JSON.stringify writes for it anyway.

// Spaces other than the plain one, and characters of no width: an id holding one looks the same as
// one without it, or with a plain space, so that a letter names a record the operator cannot tell
// from another (the soft hyphen, the combining grapheme joiner, the Arabic letter mark, the Hangul and
// Mongolian fillers and separators, the zero-width spaces, joiners and marks, the line and paragraph
// separators, the word joiner and invisible operators, the ideographic space, the byte order mark).
const LOOK_ALIKE: readonly (readonly [number, number])[] = [
  [0x00a0, 0x00a0],
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x2064],
  [0x3000, 0x3000],
  [0x3164, 0x3164],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
];

/**
 * C0 controls but the tab (and the line feed, unless `newline`), DEL, the C1 controls (U+009B starts
 * a sequence too), the directional embeddings, overrides and isolates (U+202A to U+202E, U+2066
 * to U+2069): one in an id reorders the rest of its line in a terminal that lays out right-to-left
 * text, so that a reason reads backwards; and the look-alike spaces and characters of no width above.
 * Right-to-left letters themselves are shown as they are.
 */
export function isControl(code: number, newline: boolean): boolean {
  if (code === 0x09) return false;
  if (code === 0x0a) return newline;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  if (code < 0xa0) return false;
  if (code >= 0x2066 && code <= 0x2069) return true;
  return LOOK_ALIKE.some(([first, last]) => code >= first && code <= last);
}

function shown(text: string, newline: boolean): string {
  let result = "";
  for (const character of text) {
    const code = character.codePointAt(0) ?? 0;
    result += isControl(code, newline) ? `\\u${code.toString(16).padStart(4, "0")}` : character;
  }
  return result;
}

/** `text` with every control character shown as its escape; line feeds and tabs kept as they are. */
export function visibleText(text: string): string {
  return shown(text, false);
}

/** One cell or field of a line: a line feed in it is shown as its escape too, so it starts no line. */
export function visibleInLine(text: string): string {
  return shown(text, true);
}
