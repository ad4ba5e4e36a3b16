import { isPlainObject } from '../record/normalize.ts';
import { RefusedError } from './errors.ts';
import type { ObjectHints, RecordFactory } from './records.ts';

export function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
  }
  return -1;
}

/** Each line (`\n`, `\r\n`, with or without a trailing newline; blank lines skipped) becomes records. */
export function parseLines(text: string, f: RecordFactory, hints?: ObjectHints): void {
  const n = text.length;
  let start = 0;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    if (end > start) f.line(text.slice(start, end), hints);
    start = end + 1;
  }
}

/** A label for `ingest.protocol` of a line-oriented body, from its first character. */
function sniffLines(text: string, at: number): 'ndjson' | 'syslog' | 'text' {
  const c = text.charCodeAt(at);
  if (c === 123 || c === 91) return 'ndjson';
  if (c === 60 && /^<\d{1,3}>/.test(text.slice(at, at + 5))) return 'syslog';
  return 'text';
}

/**
 * `POST /ingest` and Firehose record payloads: a JSON array (Fluent Bit `json`, Vector without framing), one JSON
 * object (possibly pretty-printed), or lines: NDJSON (Fluent Bit `json_lines`, Vector newline framing), Fluent Bit
 * `json_stream`, syslog, plain text, mixed freely. The body is sniffed, never trusted from Content-Type. Parsing the
 * whole body first is cheap for NDJSON: JSON.parse fails at the end of the first line. With `label`, sets the
 * records' `ingest.protocol` (`json`, `ndjson`, `syslog` or `text`).
 */
export function parseGenericBody(
  text: string,
  f: RecordFactory,
  options: { hints?: ObjectHints; label?: boolean } = {},
): void {
  const { hints, label = false } = options;
  const at = firstNonSpace(text);
  if (at === -1) throw new RefusedError('empty', 'the body is empty: no records');
  const c = text.charCodeAt(at);
  if (c === 123 || c === 91) {
    let whole: unknown;
    let ok = false;
    try {
      whole = JSON.parse(text);
      ok = true;
    } catch {
      // Not one JSON value: lines.
    }
    if (ok) {
      if (isPlainObject(whole) || Array.isArray(whole)) {
        if (label) f.ctx.protocol = 'json';
        f.value(whole, hints);
        return;
      }
    }
  }
  if (label) f.ctx.protocol = sniffLines(text, at);
  parseLines(text, f, hints);
}
