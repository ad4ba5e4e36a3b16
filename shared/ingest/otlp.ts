import { type Level, levelFromOtlpSeverity, normalizeLevel } from '../record/level.ts';
import { isPlainObject, parseTimestamp } from '../record/normalize.ts';
import { setOwn } from '../record/set-own.ts';
import { MalformedBodyError } from './errors.ts';
import type { RecordFactory } from './records.ts';

/** `{"resourceLogs": [...]}`: the OTLP/HTTP JSON ExportLogsServiceRequest. */
export function isOtlpLogs(doc: unknown): doc is { resourceLogs: unknown[] } {
  return isPlainObject(doc) && Array.isArray(doc['resourceLogs']);
}

/** Nesting an AnyValue may add below a record's attributes (resource → attribute → value). */
const DEFAULT_BUDGET = 96;

/**
 * OTLP AnyValue → plain JSON. 64-bit ints arrive as decimal strings: numbers when exact, else kept as strings.
 * `budget` is how many more array/kvlist levels may follow: past it the request is refused, so the recursion is
 * bounded without walking the whole document first.
 */
export function anyValue(v: unknown, budget = DEFAULT_BUDGET): unknown {
  if (!isPlainObject(v)) return v ?? undefined;
  if ('stringValue' in v) return v['stringValue'];
  if ('boolValue' in v) return v['boolValue'];
  if ('intValue' in v) {
    const i = v['intValue'];
    if (typeof i === 'string' && /^-?\d{1,20}$/.test(i)) {
      const n = Number(i);
      return Number.isSafeInteger(n) ? n : i;
    }
    return i;
  }
  if ('doubleValue' in v) return v['doubleValue'];
  if ('arrayValue' in v) {
    if (budget <= 0) throw new MalformedBodyError('an attribute value is nested too deeply');
    const values = isPlainObject(v['arrayValue']) ? v['arrayValue']['values'] : undefined;
    return Array.isArray(values) ? values.map((x) => anyValue(x, budget - 1)) : [];
  }
  if ('kvlistValue' in v) {
    if (budget <= 0) throw new MalformedBodyError('an attribute value is nested too deeply');
    return keyValues(isPlainObject(v['kvlistValue']) ? v['kvlistValue']['values'] : undefined, budget - 1);
  }
  if ('bytesValue' in v) return v['bytesValue'];
  return undefined;
}

/** `[{key, value: AnyValue}]` → object. */
export function keyValues(list: unknown, budget = DEFAULT_BUDGET): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list) {
    if (isPlainObject(kv) && typeof kv['key'] === 'string')
      setOwn(out, kv['key'], anyValue(kv['value'], budget));
  }
  return out;
}

function severity(lr: Record<string, unknown>): Level | undefined {
  const n = lr['severityNumber'];
  // 0 (SEVERITY_NUMBER_UNSPECIFIED) says nothing: the text decides then, as for the enum name.
  if (typeof n === 'number') {
    const level = levelFromOtlpSeverity(n);
    if (level) return level;
  }
  // Proto3 JSON allows the enum name: SEVERITY_NUMBER_WARN2.
  if (typeof n === 'string') {
    const name = /^SEVERITY_NUMBER_([A-Z]+)\d?$/.exec(n)?.[1];
    const level = name ? normalizeLevel(name) : levelFromOtlpSeverity(Number(n));
    if (level) return level;
  }
  return normalizeLevel(lr['severityText']);
}

function list(parent: Record<string, unknown>, key: string, path: string): unknown[] {
  const v = parent[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new MalformedBodyError(`${path}.${key} must be an array`);
  return v;
}

function object(v: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw new MalformedBodyError(`${path} must be an object`);
  return v;
}

/**
 * One record per logRecord. Body → message (non-strings as JSON), severityNumber (else severityText) → level,
 * resource attributes under `attributes.resource`, scope under `attributes.scope`, log attributes at the top of
 * `attributes` (one named like a key added here under `attributes.<name>`), traceId/spanId (hex) and trace flags kept, service from the
 * resource's `service.name`.
 */
export function parseOtlpLogs(doc: unknown, f: RecordFactory, maxDepth: number): void {
  if (!isOtlpLogs(doc))
    throw new MalformedBodyError('not an OTLP logs request: "resourceLogs" array missing');
  // attributes (1) → resource or scope (2) → attribute value (3): what is left for AnyValue nesting.
  const budget = Math.max(0, maxDepth - 3);
  doc.resourceLogs.forEach((rlValue, i) => {
    const rp = `resourceLogs[${i}]`;
    const rl = object(rlValue, rp);
    const resourceAttrs = isPlainObject(rl['resource'])
      ? keyValues(rl['resource']['attributes'], budget)
      : {};
    const serviceName = resourceAttrs['service.name'];
    const service = typeof serviceName === 'string' ? serviceName : undefined;
    const hasResource = Object.keys(resourceAttrs).length > 0;
    list(rl, 'scopeLogs', rp).forEach((slValue, j) => {
      const sp = `${rp}.scopeLogs[${j}]`;
      const sl = object(slValue, sp);
      let scope: Record<string, unknown> | undefined;
      if (isPlainObject(sl['scope'])) {
        const s = sl['scope'];
        scope = {};
        if (typeof s['name'] === 'string' && s['name'] !== '') scope['name'] = s['name'];
        if (typeof s['version'] === 'string' && s['version'] !== '') scope['version'] = s['version'];
        const attrs = keyValues(s['attributes'], budget - 1);
        if (Object.keys(attrs).length > 0) scope['attributes'] = attrs;
        if (Object.keys(scope).length === 0) scope = undefined;
      }
      list(sl, 'logRecords', sp).forEach((lrValue, k) => {
        const lr = object(lrValue, `${sp}.logRecords[${k}]`);
        const body = anyValue(lr['body'], budget);
        const message =
          typeof body === 'string' ? body : body === undefined ? '' : (JSON.stringify(body) ?? String(body));
        const attributes = keyValues(lr['attributes'], budget);
        const added: Record<string, unknown> = {};
        if (hasResource) added['resource'] = resourceAttrs;
        if (scope) added['scope'] = scope;
        for (const key of ['traceId', 'spanId', 'severityText', 'eventName'] as const) {
          const v = lr[key];
          if (typeof v === 'string' && v !== '') added[key] = v;
        }
        // W3C trace flags (bit 0: sampled); 0 says nothing.
        if (typeof lr['flags'] === 'number' && lr['flags'] !== 0) added['flags'] = lr['flags'];
        // These keys stay where every record has them; a log attribute of the same name moves to
        // `attributes.<name>` (prefixed again while that is taken) rather than being overwritten.
        for (const key in added) {
          if (key in attributes) {
            let to = `attributes.${key}`;
            while (to in attributes) to = `attributes.${to}`;
            attributes[to] = attributes[key];
          }
          attributes[key] = added[key];
        }
        const timestamp = parseTimestamp(lr['timeUnixNano']) ?? parseTimestamp(lr['observedTimeUnixNano']);
        const level = severity(lr);
        f.fields(
          {
            message,
            ...(timestamp !== undefined && { timestamp }),
            ...(level !== undefined && { level }),
            ...(service !== undefined && { service }),
          },
          attributes,
        );
      });
    });
  });
}
