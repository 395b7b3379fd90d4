// Everything rwop prints as shell goes through here, so that a value from the input is always exactly one word and
// never code.

/** Characters no POSIX shell treats specially anywhere in a word (the set Python's shlex.quote leaves bare). */
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * `value` as one POSIX shell word: as it is when it holds only plain characters, else wrapped in single quotes, each
 * `'` written as `'\''` (close, escaped quote, reopen). Inside single quotes nothing is special, not even a newline.
 */
export function shellQuote(value: string): string {
  if (PLAIN_WORD.test(value)) return value;
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/** `text` safe on a `#` comment line: control characters (a newline would end the comment) written as escapes. */
export function shellComment(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
