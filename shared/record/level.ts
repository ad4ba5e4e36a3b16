import type { LEVEL_NAMES } from '../config/schema.ts';

export type Level = (typeof LEVEL_NAMES)[number];

/** Numeric rank of each level, for threshold comparisons. */
export const LEVEL_RANK = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
} as const satisfies Record<Level, number>;

const TEXT: Readonly<Record<string, Level>> = {
  trace: 'trace',
  trc: 'trace',
  verbose: 'trace',
  finest: 'trace',
  debug: 'debug',
  dbg: 'debug',
  fine: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  log: 'info',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  error: 'error',
  err: 'error',
  eror: 'error',
  severe: 'error',
  fatal: 'fatal',
  crit: 'fatal',
  critical: 'fatal',
  alert: 'fatal',
  emerg: 'fatal',
  emergency: 'fatal',
  panic: 'fatal',
};

/** Syslog severity 0 (emergency) … 7 (debug), RFC 5424 §6.2.1. */
export function levelFromSyslogSeverity(severity: number): Level {
  if (severity <= 2) return 'fatal';
  if (severity === 3) return 'error';
  if (severity === 4) return 'warn';
  if (severity <= 6) return 'info';
  return 'debug';
}

/** OTLP SeverityNumber 1–24 (TRACE 1–4, DEBUG 5–8, INFO 9–12, WARN 13–16, ERROR 17–20, FATAL 21–24). */
export function levelFromOtlpSeverity(n: number): Level | undefined {
  if (!Number.isFinite(n) || n < 1) return undefined;
  if (n <= 4) return 'trace';
  if (n <= 8) return 'debug';
  if (n <= 12) return 'info';
  if (n <= 16) return 'warn';
  if (n <= 20) return 'error';
  return 'fatal';
}

/**
 * Normalizes the level spellings shippers send: names in any case (`WARNING`, `Err`), OTLP-style suffixed names
 * (`INFO2`), bunyan/pino numbers (10 trace … 60 fatal) and small numbers read as syslog severities (0–7).
 */
export function normalizeLevel(value: unknown): Level | undefined {
  if (typeof value === 'number') return levelFromNumber(value);
  if (typeof value !== 'string' || value.length === 0 || value.length > 24) return undefined;
  const lower = value.trim().toLowerCase();
  const hit = TEXT[lower];
  if (hit) return hit;
  if (/^\d+$/.test(lower)) return levelFromNumber(Number(lower));
  const stripped = lower.replace(/\d+$/, '');
  return TEXT[stripped];
}

function levelFromNumber(n: number): Level | undefined {
  if (!Number.isInteger(n) || n < 0) return undefined;
  if (n <= 7) return levelFromSyslogSeverity(n);
  // pino / bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
  if (n >= 10 && n <= 60) {
    return (['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const)[Math.floor(n / 10) - 1];
  }
  return undefined;
}
