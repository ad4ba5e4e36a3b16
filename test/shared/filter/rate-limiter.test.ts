import { describe, expect, it } from 'vitest';
import { type FilterConfig, filterSchema } from '../../../shared/config/schema.ts';
import {
  LATENESS_MS,
  MAX_KEYS_PER_RULE,
  RateLimiter,
  SUMMARY_PROTOCOL,
} from '../../../shared/filter/rate-limiter.ts';
import type { LogRecord } from '../../../shared/record/record.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

const limiterOf = (config: Record<string, unknown>) =>
  new RateLimiter(filterSchema.parse(config) as FilterConfig);
const suppress = (max: number, periodSeconds = 60, key = ['service', 'message']) =>
  limiterOf({ suppress: [{ name: 'repeats', key, max, periodSeconds }] });

/** Offers every record; returns the indexes kept. */
function offerAll(limiter: RateLimiter, records: LogRecord[]): number[] {
  const kept: number[] = [];
  records.forEach((r, i) => {
    if (limiter.offer(r).keep) kept.push(i);
  });
  return kept;
}

describe('RateLimiter: suppression', () => {
  it('keeps at most max records per key per period and summarises the rest', () => {
    const limiter = suppress(3);
    const records = Array.from({ length: 10 }, (_, i) =>
      makeRecord({ timestamp: T0 + i * 1000, level: 'warn', message: 'db timeout', ingest: { id: `r${i}` } }),
    );
    const verdicts = records.map((r) => limiter.offer(r));
    expect(verdicts.filter((v) => v.keep)).toHaveLength(3);
    expect(verdicts[3]).toEqual({ keep: false, reason: 'suppress:repeats', suppressed: true });

    const [summary, ...rest] = limiter.flush();
    expect(rest).toEqual([]);
    expect(summary).toEqual({
      timestamp: T0 + 60_000 - 1,
      tenant: 'acme',
      region: 'eu',
      service: 'checkout',
      level: 'warn',
      message: '7 records suppressed for key checkout, db timeout',
      attributes: {
        suppressed: 7,
        suppressRule: 'repeats',
        suppressKey: 'checkout, db timeout',
        periodStart: new Date(T0).toISOString(),
      },
      ingest: {
        receivedAt: records[3]!.ingest.receivedAt,
        protocol: SUMMARY_PROTOCOL,
        id: 'r3:suppress:repeats',
      },
    } satisfies LogRecord);
  });

  it('counts each key and each period separately, one summary per (key, period)', () => {
    const limiter = suppress(1, 60, ['message']);
    const at = (seconds: number, message: string) => makeRecord({ timestamp: T0 + seconds * 1000, message });
    const records = [at(0, 'a'), at(1, 'a'), at(2, 'b'), at(3, 'a'), at(59, 'b'), at(60, 'a'), at(61, 'a')];
    expect(offerAll(limiter, records)).toEqual([0, 2, 5]);
    const summaries = limiter.flush();
    expect(summaries.map((s) => s.message)).toEqual([
      '2 records suppressed for key a',
      '1 records suppressed for key b',
      '1 records suppressed for key a',
    ]);
    expect(summaries.map((s) => s.attributes['periodStart'])).toEqual([
      new Date(T0).toISOString(),
      new Date(T0).toISOString(),
      new Date(T0 + 60_000).toISOString(),
    ]);
  });

  it('uses event time only: the same records give the same answer on every replay', () => {
    const records = Array.from({ length: 500 }, (_, i) =>
      makeRecord({ timestamp: T0 + ((i * 7919) % 300_000), message: `m${i % 7}` }),
    );
    const run = () => {
      const limiter = suppress(5, 30);
      return { kept: offerAll(limiter, records), summaries: limiter.flush() };
    };
    expect(run()).toEqual(run());
  });

  it('emits nothing when nothing was suppressed, and flush resets the limiter', () => {
    const limiter = suppress(2);
    offerAll(limiter, [makeRecord(), makeRecord()]);
    expect(limiter.flush()).toEqual([]);
    offerAll(limiter, [makeRecord(), makeRecord(), makeRecord()]);
    expect(limiter.flush()).toHaveLength(1);
    expect(limiter.flush()).toEqual([]);
  });

  it('treats a missing key field as one key "-"', () => {
    const limiter = suppress(1, 60, ['attributes.user']);
    expect(
      offerAll(limiter, [makeRecord(), makeRecord(), makeRecord({ attributes: { user: 'u1' } })]),
    ).toEqual([0, 2]);
    expect(limiter.flush()[0]!.message).toBe('1 records suppressed for key -');
  });

  it('forgets long-past periods (bounded memory) yet still emits their summaries once', () => {
    const limiter = suppress(1, 1, ['message']);
    const records: LogRecord[] = [];
    // 20 minutes of one repeated message, 4 per second: each second keeps 1 and suppresses 3.
    for (let s = 0; s < 1200; s++) {
      for (let k = 0; k < 4; k++) records.push(makeRecord({ timestamp: T0 + s * 1000 + k, message: 'tick' }));
    }
    expect(offerAll(limiter, records)).toHaveLength(1200);
    const summaries = limiter.flush();
    expect(summaries).toHaveLength(1200);
    expect(summaries.every((s) => s.attributes['suppressed'] === 3)).toBe(true);
    expect(new Set(summaries.map((s) => s.ingest.id)).size).toBe(1200);
  });

  it('merges a late record of an already forgotten period into that period’s single summary', () => {
    const limiter = suppress(1, 60, ['message']);
    const early = [
      makeRecord({ timestamp: T0, message: 'x' }),
      makeRecord({ timestamp: T0 + 1, message: 'x' }),
    ];
    const later = makeRecord({ timestamp: T0 + 60_000 + LATENESS_MS + 120_000, message: 'y' });
    const late = [
      makeRecord({ timestamp: T0 + 2, message: 'x' }),
      makeRecord({ timestamp: T0 + 3, message: 'x' }),
    ];
    offerAll(limiter, [...early, later, ...late]);
    const summaries = limiter.flush().filter((s) => s.attributes['suppressKey'] === 'x');
    expect(summaries).toHaveLength(1);
    // The first of the late pair starts a fresh count after the period was forgotten (documented lateness bound).
    expect(summaries[0]!.attributes['suppressed']).toBe(2);
  });
  it('evicts past periods, so a long stream of distinct keys never reaches the key cap', () => {
    const limiter = suppress(1, 1, ['attributes.k']);
    const n = MAX_KEYS_PER_RULE + 10;
    for (let i = 0; i < n; i++) limiter.offer(makeRecord({ timestamp: T0 + i * 10, attributes: { k: i } }));
    const fresh = makeRecord({ timestamp: T0 + n * 10, attributes: { k: 'new' } });
    expect([limiter.offer(fresh).keep, limiter.offer(fresh).keep]).toEqual([true, false]);
  });

  it('fails open beyond MAX_KEYS_PER_RULE distinct keys: new keys pass uncounted, known keys stay limited', () => {
    const limiter = suppress(1, 3600, ['attributes.k']);
    for (let i = 0; i < MAX_KEYS_PER_RULE; i++) limiter.offer(makeRecord({ attributes: { k: i } }));
    const fresh = makeRecord({ attributes: { k: 'new' } });
    expect([limiter.offer(fresh).keep, limiter.offer(fresh).keep]).toEqual([true, true]);
    expect(limiter.offer(makeRecord({ attributes: { k: 0 } })).keep).toBe(false);
  });
});

describe('RateLimiter: throttle', () => {
  it('drops beyond max per key per period, counted as throttle:<name>, without summaries', () => {
    const limiter = limiterOf({
      throttle: [{ name: 'per-user', key: ['attributes.user'], max: 2, periodSeconds: 10 }],
    });
    const at = (seconds: number, user: string) =>
      makeRecord({ timestamp: T0 + seconds * 1000, attributes: { user } });
    const records = [
      at(0, 'a'),
      at(1, 'a'),
      at(2, 'a'),
      at(3, 'b'),
      at(9, 'a'),
      at(10, 'a'),
      at(11, 'a'),
      at(12, 'a'),
    ];
    const verdicts = records.map((r) => limiter.offer(r));
    expect(verdicts.map((v) => v.keep)).toEqual([true, true, false, true, false, true, true, false]);
    expect(verdicts[2]).toEqual({ keep: false, reason: 'throttle:per-user', suppressed: false });
    expect(limiter.flush()).toEqual([]);
  });

  it('applies suppression before throttling; a record dropped by one rule is not counted by later ones', () => {
    const limiter = limiterOf({
      suppress: [{ name: 'rep', key: ['message'], max: 1, periodSeconds: 60 }],
      throttle: [{ name: 'svc', key: ['service'], max: 2, periodSeconds: 60 }],
    });
    const records = [
      makeRecord({ message: 'a' }),
      makeRecord({ message: 'a' }),
      makeRecord({ message: 'b' }),
      makeRecord({ message: 'c' }),
    ];
    expect(records.map((r) => limiter.offer(r))).toEqual([
      { keep: true },
      { keep: false, reason: 'suppress:rep', suppressed: true },
      { keep: true },
      { keep: false, reason: 'throttle:svc', suppressed: false },
    ]);
  });
});
