import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSyslog } from '../../../shared/ingest/syslog.ts';

const received = Date.parse('2026-01-02T00:00:00Z');

describe('parseSyslog', () => {
  it('RFC 5424 with escaped structured data, NIL values and a BOM before the message', () => {
    const line = '<14>1 2026-01-01T12:00:00.5+01:00 - app - - [a@1 k="x\\"y\\]z" n="2"][b@2] \uFEFFhello';
    expect(parseSyslog(line, received)).toEqual({
      timestamp: Date.parse('2026-01-01T11:00:00.5Z'),
      level: 'info',
      service: 'app',
      message: 'hello',
      attributes: { facility: 1, structuredData: { 'a@1': { k: 'x"y]z', n: '2' }, 'b@2': {} } },
    });
  });

  it('RFC 3164: tag and pid, and a December line received in January belongs to last year', () => {
    expect(parseSyslog('<11>Dec 31 23:59:58 web nginx[42]: upstream timed out', received)).toEqual({
      timestamp: Date.parse('2025-12-31T23:59:58Z'),
      level: 'error',
      service: 'nginx',
      message: 'upstream timed out',
      attributes: { facility: 1, host: 'web', procid: '42' },
    });
  });

  it('maps every PRI severity and refuses PRI values over 191', () => {
    const levels = [0, 1, 2, 3, 4, 5, 6, 7].map((s) => parseSyslog(`<${8 + s}>x`, received)?.level);
    expect(levels).toEqual(['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug']);
    expect(parseSyslog('<192>1 - - - - - - x', received)).toBeUndefined();
    expect(parseSyslog('no pri', received)).toBeUndefined();
  });

  it('never throws on arbitrary lines after a PRI', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 191 }), fc.string({ unit: 'binary' }), (pri, rest) => {
        const r = parseSyslog(`<${pri}>${rest}`, received);
        expect(r?.level).toBeDefined();
        expect(typeof r?.message).toBe('string');
      }),
      { numRuns: 1000 },
    );
  });
});
