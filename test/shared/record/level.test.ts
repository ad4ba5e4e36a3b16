import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LEVEL_NAMES } from '../../../shared/config/schema.ts';
import {
  levelFromOtlpSeverity,
  levelFromSyslogSeverity,
  normalizeLevel,
} from '../../../shared/record/level.ts';

describe('normalizeLevel', () => {
  it.each([
    ['WARNING', 'warn'],
    ['Err', 'error'],
    ['information', 'info'],
    ['CRITICAL', 'fatal'],
    ['INFO2', 'info'],
    ['notice', 'info'],
    [30, 'info'],
    [50, 'error'],
    [60, 'fatal'],
    [3, 'error'],
    ['7', 'debug'],
  ] as const)('%s → %s', (input, expected) => {
    expect(normalizeLevel(input)).toBe(expected);
  });

  it('returns undefined for values that are not levels', () => {
    expect(normalizeLevel('banana')).toBeUndefined();
    expect(normalizeLevel({})).toBeUndefined();
    expect(normalizeLevel(-1)).toBeUndefined();
    expect(normalizeLevel(1000)).toBeUndefined();
  });

  it('never throws and always yields a known level or undefined', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const l = normalizeLevel(v);
        expect(l === undefined || (LEVEL_NAMES as readonly string[]).includes(l)).toBe(true);
      }),
    );
  });
});

describe('severity mappings', () => {
  it('syslog severities 0–7 (RFC 5424)', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(levelFromSyslogSeverity)).toEqual([
      'fatal',
      'fatal',
      'fatal',
      'error',
      'warn',
      'info',
      'info',
      'debug',
    ]);
  });

  it('OTLP severityNumber ranges', () => {
    expect([1, 4, 5, 9, 13, 17, 21, 24].map(levelFromOtlpSeverity)).toEqual([
      'trace',
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'fatal',
    ]);
    expect(levelFromOtlpSeverity(0)).toBeUndefined();
  });
});
