import { MalformedBodyError } from '../errors.ts';

const NAME = /[a-zA-Z_][a-zA-Z0-9_.]*/y;

/**
 * A Loki stream selector as Promtail and Alloy send it, `{app="api", env="prod"}`, into its labels. Values are
 * Go-quoted strings (`\"`, `\\`, `\n`, `\t`, `\uXXXX`); only `=` matchers make sense in a push.
 */
export function parseLabels(selector: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  const s = selector.trim();
  const bad = (why: string) =>
    new MalformedBodyError(`stream labels are not a valid selector (${why}): expected {name="value", ...}`);
  if (s.charCodeAt(0) !== 123 || s.charCodeAt(s.length - 1) !== 125) throw bad('braces');
  let i = 1;
  const end = s.length - 1;
  const skip = () => {
    while (i < end && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n')) i++;
  };
  skip();
  while (i < end) {
    NAME.lastIndex = i;
    const m = NAME.exec(s);
    if (!m) throw bad('label name');
    const name = m[0];
    i += name.length;
    skip();
    if (s[i] !== '=') throw bad('"=" expected');
    i++;
    skip();
    if (s[i] !== '"') throw bad('quoted value expected');
    i++;
    let value = '';
    for (;;) {
      if (i >= end) throw bad('unterminated value');
      const c = s[i]!;
      if (c === '"') break;
      if (c === '\\') {
        const e = s[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
          value += String.fromCharCode(Number.parseInt(s.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : (e ?? '');
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    i++;
    out[name] = value;
    skip();
    if (s[i] === ',') {
      i++;
      skip();
    } else if (i < end) throw bad('"," expected');
  }
  return { ...out };
}
