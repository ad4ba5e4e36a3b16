/**
 * A decoded copy of a string for the detectors to read, with where each of its characters came from: identifiers
 * hide behind URL encoding (`jane%40example.com`, `4111%201111…`, `card=4111+1111+…`), JSON escapes
 * (`wJalrXUtnFEMI\/K7MDENG…`, `jane\u0040example.com`, `{\"password\":\"x\"}`), and separators the detectors do
 * not know (NBSP and thin spaces, Unicode dashes, tabs, dots/slashes/underscores between digit groups). A hit in
 * the view is masked over its original span, so the stored text keeps its encoding around the placeholder.
 */
export interface DecodedView {
  text: string;
  /** `pos[i]` is the index in the original of view character `i`; `pos[text.length]` is the original's length. */
  pos: Int32Array;
}

/** Any form the view would change. Tested on the already-masked text, so most strings fail it at once. */
const TRIGGER =
  /%[0-9A-Fa-f]{2}|\\[/u"\\tn]|[\u00a0\u2007\u2009\u202f\u2010-\u2015\u2212]|\d\+\d|\d\t\d|\d{3,4}[._/]\d{3,4}[._/]\d{3,4}/;

/** Digit groups joined by one repeated `.`, `/` or `_` (`4111.1111.1111.1111`, `030/1234/5678`). */
const DIGIT_GROUPS = /\d{2,6}([._/])\d{2,6}(?:\1\d{1,6})+/g;

const hex = (c: number): number => {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
};
const isDigit = (c: number): boolean => c >= 48 && c <= 57;

export function needsView(text: string): boolean {
  return TRIGGER.test(text);
}

/** The decoded view, or `undefined` when it would equal the text. */
export function decodedView(text: string): DecodedView | undefined {
  const n = text.length;
  const out: string[] = [];
  const pos: number[] = [];
  const push = (ch: string, at: number) => {
    out.push(ch);
    pos.push(at);
  };
  let changed = false;
  for (let i = 0; i < n; ) {
    const c = text.charCodeAt(i);
    if (c === 37 /* % */ && i + 2 < n) {
      const h = hex(text.charCodeAt(i + 1));
      const l = hex(text.charCodeAt(i + 2));
      if (h >= 0 && l >= 0) {
        const byte = h * 16 + l;
        if (byte < 0x80) {
          push(byte === 0x2b ? '+' : String.fromCharCode(byte), i);
          i += 3;
          changed = true;
          continue;
        }
        // %C2%A0: a URL-encoded NBSP between card groups.
        if (byte === 0xc2 && text.slice(i + 3, i + 6).toUpperCase() === '%A0') {
          push(' ', i);
          i += 6;
          changed = true;
          continue;
        }
      }
    }
    if (c === 92 /* \ */ && i + 1 < n) {
      const e = text[i + 1]!;
      if (e === 'u' && i + 5 < n) {
        const code = Number.parseInt(text.slice(i + 2, i + 6), 16);
        if (/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6)) && !Number.isNaN(code)) {
          push(String.fromCharCode(code), i);
          i += 6;
          changed = true;
          continue;
        }
      }
      const simple =
        e === '/' ? '/' : e === '"' ? '"' : e === '\\' ? '\\' : e === 't' ? '\t' : e === 'n' ? '\n' : '';
      if (simple !== '') {
        push(simple, i);
        i += 2;
        changed = true;
        continue;
      }
    }
    if (c === 0xa0 || c === 0x2007 || c === 0x2009 || c === 0x202f) {
      push(' ', i);
      i++;
      changed = true;
      continue;
    }
    if ((c >= 0x2010 && c <= 0x2015) || c === 0x2212) {
      push('-', i);
      i++;
      changed = true;
      continue;
    }
    // `+` (form-encoded space) and tabs between digits; a leading `+` (a phone's) has no digit before it.
    if (
      (c === 43 || c === 9) &&
      i > 0 &&
      isDigit(text.charCodeAt(i - 1)) &&
      isDigit(text.charCodeAt(i + 1))
    ) {
      push(' ', i);
      i++;
      changed = true;
      continue;
    }
    push(text[i]!, i);
    i++;
  }
  let view = out.join('');
  // Dots, slashes and underscores between digit groups read as spaces (the card and phone detectors' separators).
  if (/\d[._/]\d/.test(view)) {
    const groups = view.replace(DIGIT_GROUPS, (run) => run.replace(/[._/]/g, ' '));
    if (groups !== view) {
      view = groups;
      changed = true;
    }
  }
  if (!changed) return undefined;
  pos.push(n);
  return { text: view, pos: Int32Array.from(pos) };
}
