import { isPlainObject, type NormalizeContext, normalizeLine, normalizeRecord } from './normalize.ts';
import type { LogRecord } from './record.ts';

/** One input line: a JSON object is normalized field by field; anything else is a plain-text message. */
export function parseLogLine(line: string, ctx: NormalizeContext): LogRecord {
  if (line.charCodeAt(0) === 123 /* { */) {
    try {
      const value: unknown = JSON.parse(line);
      if (isPlainObject(value)) return normalizeRecord(value, ctx);
    } catch {
      // Not JSON after all: a text line that happens to start with a brace.
    }
  }
  return normalizeLine(line, ctx);
}
