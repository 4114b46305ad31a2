/**
 * Whether JSON.stringify would write `text` other than as `"${text}"`: control characters, `"`,
 * `\`, and surrogates (it escapes lone ones).
 */
function needsEscape(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/**
 * `JSON.stringify(text)`, without it for the strings that need no escape (nearly all): on the
 * request path JSON.stringify's per-call work cost more than the scan.
 */
export function jsonString(text: string): string {
  return needsEscape(text) ? JSON.stringify(text) : `"${text}"`;
}

/** The strings as the inside of a JSON array: `"a","b"`. */
export function jsonStrings(texts: readonly string[]): string {
  let out = '';
  for (let i = 0; i < texts.length; i++) out += i === 0 ? jsonString(texts[i]!) : `,${jsonString(texts[i]!)}`;
  return out;
}
