// Text cut to a length for people to read: never through the middle of a character that takes two
// UTF-16 units (an emoji, many CJK ideographs), which would print as a replacement character.

/** The first `length` UTF-16 units of `text`, one fewer where the last would be half a character. */
export function textPrefix(text: string, length: number): string {
  if (text.length <= length) return text;
  const last = text.charCodeAt(length - 1);
  // A high surrogate at the end is the first half of a pair.
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? length - 1 : length);
}

/** `text` as it is when it fits in `max` units, else its start and `...` within them. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${textPrefix(text, max - 3)}...` : text;
}
