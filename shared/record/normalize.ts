import { type Level, normalizeLevel } from './level.ts';
import type { LogRecord } from './record.ts';
import { setOwn } from './set-own.ts';

export interface NormalizeContext {
  tenant: string;
  region: string;
  protocol: string;
  /** Epoch ms. */
  receivedAt: number;
  /** Returns the stable id for the next record. */
  nextId: () => string;
  /** Used when the record names no service (e.g. HEC `source`, an ES index). */
  defaultService?: string;
  defaultLevel?: Level;
}

const TIME_KEYS = ['timestamp', '@timestamp', 'time', 'ts', 'date', 'datetime'] as const;
const LEVEL_KEYS = [
  'level',
  'severity',
  'lvl',
  'loglevel',
  'log_level',
  'levelname',
  'severity_text',
] as const;
const MESSAGE_KEYS = ['message', 'msg', 'log', 'text', 'body'] as const;
const SERVICE_KEYS = ['service', 'service_name', 'app', 'application', 'program', 'source'] as const;
const KNOWN = new Set<string>([...TIME_KEYS, ...LEVEL_KEYS, ...MESSAGE_KEYS, ...SERVICE_KEYS]);

/**
 * Epoch numbers are read by magnitude: seconds (< 1e11, floats allowed, as Fluent Bit sends), milliseconds
 * (< 1e14), microseconds (< 1e17), else nanoseconds (OTLP). Strings are RFC 3339 or numeric.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    if (value < 1e11) return Math.round(value * 1000);
    if (value < 1e14) return Math.round(value);
    if (value < 1e17) return Math.round(value / 1000);
    return Math.round(value / 1e6);
  }
  if (typeof value === 'string' && value.length > 0 && value.length < 64) {
    if (/^\d+(\.\d+)?$/.test(value)) {
      // Nanosecond strings overflow doubles' integer precision; milliseconds survive.
      if (value.length > 16 && !value.includes('.')) return Number(value.slice(0, value.length - 6));
      return parseTimestamp(Number(value));
    }
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function firstString(raw: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = raw[k];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/**
 * Lifts the fields every shipper spells differently into the record model. Whatever is not recognised passes
 * through unchanged under `attributes`; a recognised alias whose value cannot be read (a level of `{}`) also stays
 * there, so nothing the client sent is lost.
 */
export function normalizeRecord(raw: Record<string, unknown>, ctx: NormalizeContext): LogRecord {
  const attributes: Record<string, unknown> = {};
  let timestamp: number | undefined;
  let level: Level | undefined;
  let message: string | undefined;
  let service: string | undefined;

  for (const key in raw) {
    const value = raw[key];
    if (!KNOWN.has(key)) {
      if (key === 'attributes' && isPlainObject(value))
        for (const k in value) setOwn(attributes, k, value[k]);
      else if (key !== 'ingest' && key !== 'tenant' && key !== 'region') setOwn(attributes, key, value);
      continue;
    }
    if (timestamp === undefined && (TIME_KEYS as readonly string[]).includes(key)) {
      timestamp = parseTimestamp(value);
      if (timestamp !== undefined) continue;
    } else if (level === undefined && (LEVEL_KEYS as readonly string[]).includes(key)) {
      level = normalizeLevel(value);
      if (level !== undefined) continue;
    } else if (message === undefined && (MESSAGE_KEYS as readonly string[]).includes(key)) {
      if (typeof value === 'string') {
        message = value;
        continue;
      }
    } else if (service === undefined && (SERVICE_KEYS as readonly string[]).includes(key)) {
      if (typeof value === 'string' && value.length > 0) {
        service = value;
        continue;
      }
    }
    setOwn(attributes, key, value);
  }

  return {
    timestamp: timestamp ?? ctx.receivedAt,
    tenant: ctx.tenant,
    region: ctx.region,
    service: service ?? firstString(attributes, ['service.name', 'host']) ?? ctx.defaultService ?? 'unknown',
    level: level ?? ctx.defaultLevel ?? 'info',
    message: message ?? '',
    attributes,
    ingest: { receivedAt: ctx.receivedAt, protocol: ctx.protocol, id: ctx.nextId() },
  };
}

/** A plain-text line becomes a record whose message is the line. */
export function normalizeLine(line: string, ctx: NormalizeContext): LogRecord {
  return normalizeRecord({ message: line }, ctx);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
