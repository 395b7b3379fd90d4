// Text from the input (object names, Event messages, file names) reaches a terminal through our output: its control
// characters must show as what they are instead of moving the cursor, recolouring, rewriting the line or
// reordering it (bidirectional overrides).

/** C0 controls (tab and newline included), DEL, C1 controls, the Unicode line and paragraph separators, bidi controls. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with each unsafe character written as a visible escape: `\x1b` for ESC, `\u202e` for RIGHT-TO-LEFT OVERRIDE. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (char) => {
    const code = char.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Lines of our own output, joined by newlines, each escaped: a newline inside an input string shows as `\x0a`. */
export function safeLines(lines: readonly string[]): string {
  return lines.map(escapeControls).join('\n');
}

/** What JSON.stringify leaves raw inside strings, of UNSAFE (it escapes C0 controls itself). */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON.stringify, with the characters it leaves raw inside strings (DEL, C1, line separators, bidi controls) written
 * as `\uXXXX` escapes too: the same JSON value, safe to print. They can only occur inside strings.
 */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
