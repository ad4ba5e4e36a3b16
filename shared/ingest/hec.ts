import { isPlainObject } from '../record/normalize.ts';
import { MalformedBodyError, RefusedError } from './errors.ts';
import { firstNonSpace, parseLines } from './generic.ts';
import { scanJsonValues } from './json-stream.ts';
import type { RecordFactory } from './records.ts';

/** HEC metadata keys: everything else at the top of an event object is ignored by Splunk; we keep it. */
const META = new Set(['event', 'time', 'host', 'source', 'sourcetype', 'index', 'fields']);

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function hecEvent(obj: Record<string, unknown>, index: number, f: RecordFactory): void {
  if (!('event' in obj) || obj['event'] === null || obj['event'] === undefined) {
    throw new MalformedBodyError(`event ${index}: the "event" field is required`, {
      item: index,
      reason: 'eventRequired',
    });
  }
  const event = obj['event'];
  if (event === '' || (typeof event === 'string' && event.trim() === '')) {
    throw new MalformedBodyError(`event ${index}: the "event" field cannot be blank`, {
      item: index,
      reason: 'eventBlank',
    });
  }
  // HEC `time` (epoch seconds, number or string) is the event time Splunk would index: it goes first so it wins.
  const raw: Record<string, unknown> = {};
  if (obj['time'] !== undefined) raw['time'] = obj['time'];
  if (isPlainObject(event)) {
    for (const k in event) {
      const key = k in raw ? `event.${k}` : k;
      if (key === '__proto__')
        Object.defineProperty(raw, key, { value: event[k], enumerable: true, writable: true });
      else raw[key] = event[k];
    }
  } else {
    raw['message'] = typeof event === 'string' ? event : JSON.stringify(event);
  }
  for (const key of ['host', 'source', 'sourcetype', 'index'] as const) {
    if (obj[key] !== undefined && !(key in raw)) raw[key] = obj[key];
  }
  if (obj['fields'] !== undefined) raw['fields'] = obj['fields'];
  for (const k in obj) if (!META.has(k) && !(k in raw) && k !== '__proto__') raw[k] = obj[k];
  const sourcetype = str(obj['sourcetype']);
  f.object(raw, sourcetype ? { defaultService: sourcetype } : undefined);
}

/**
 * `POST /services/collector[/event]`: concatenated JSON event objects (not an array), each with `event` (string or
 * object), `time`, `host`, `source`, `sourcetype`, `index`, `fields`. A bad event refuses the whole request (HEC
 * code 6 with `invalid-event-number`), so nothing of a half-valid batch is written and the retry is clean.
 */
export function parseHecEvents(text: string, f: RecordFactory, maxDepth: number): void {
  const at = firstNonSpace(text);
  if (at === -1) throw new RefusedError('empty', 'No data', { reason: 'noData' });
  let single: unknown;
  try {
    single = JSON.parse(text);
  } catch {
    single = undefined;
  }
  if (isPlainObject(single)) {
    hecEvent(single, 0, f);
    return;
  }
  const scan = scanJsonValues(text, maxDepth);
  const events: Record<string, unknown>[] = [];
  scan.values.forEach((slice, i) => {
    let v: unknown;
    try {
      v = JSON.parse(slice);
    } catch (cause) {
      throw new MalformedBodyError(`event ${i}: invalid JSON`, { item: i, cause });
    }
    if (!isPlainObject(v)) throw new MalformedBodyError(`event ${i}: not a JSON object`, { item: i });
    events.push(v);
  });
  if (scan.error) {
    throw new MalformedBodyError(`event ${scan.error.index}: ${scan.error.reason}`, {
      item: scan.error.index,
    });
  }
  events.forEach((e, i) => {
    hecEvent(e, i, f);
  });
}

/** `POST /services/collector/raw`: lines; the query's `sourcetype`/`source` names the service when lines don't. */
export function parseHecRaw(text: string, f: RecordFactory, query: URLSearchParams): void {
  if (firstNonSpace(text) === -1) throw new RefusedError('empty', 'No data', { reason: 'noData' });
  const service = str(query.get('source')) ?? str(query.get('sourcetype'));
  parseLines(text, f, service ? { defaultService: service } : undefined);
}
