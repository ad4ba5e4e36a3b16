import { describe, expect, it } from 'vitest';
import { addToSketch, mergeSketch, messageHash } from '../../../../shared/aggregate/safe/distinct.ts';
import { aggregationTime } from '../../../../shared/aggregate/safe/event-time.ts';
import { numberRange, round3 } from '../../../../shared/aggregate/safe/round.ts';
import { safeTemplate } from '../../../../shared/aggregate/safe/template.ts';
import { templateMessage } from '../../../../shared/aggregate/template.ts';

const safe = (message: string) => safeTemplate(templateMessage(message));

describe('safeTemplate', () => {
  it('keeps plain words, punctuation and known placeholders', () => {
    expect(safe('GET /api/orders took 35ms')).toBe('GET /api/orders took <num>ms');
    expect(safe('user <email:1a2b> logged in')).toBe('user <email> logged in');
  });

  it('turns key=value values, mixed tokens and unknown placeholders into <v>', () => {
    expect(safe('login failed user=bob password=hunter2xyz')).toBe('login failed user=<v> password=<v>');
    expect(safe('token a1b2 from bob@example.com via ünïcode')).toBe('token <v> from <v> via <v>');
    expect(safe('secret <hunter22> here')).toBe('secret <v> here');
    expect(safe(`word ${'a'.repeat(25)}`)).toBe('word <v>');
  });

  it('caps the length', () => {
    const t = safe(Array.from({ length: 200 }, () => 'word').join(' '));
    expect(t.length).toBeLessThanOrEqual(200);
    expect(t.endsWith('…')).toBe(true);
  });
});

describe('numbers', () => {
  it('round to 3 significant digits and range by their first digit', () => {
    expect(round3(4111111111111111)).toBe(4110000000000000);
    expect(round3(12.3456)).toBe(12.3);
    expect(numberRange(204)).toBe('200..300');
    expect(numberRange(4111111111111111)).toBe('4e15..5e15');
    expect(numberRange(-7)).toBe('-7..-8');
    expect(numberRange(0.5)).toBe('0..1');
  });
});

describe('distinct sketch', () => {
  it('is a sorted, bounded union: merge order and repeats do not change it', () => {
    const hashes = Array.from({ length: 40 }, (_, i) => messageHash(`m${i}`));
    const one: string[] = [];
    for (const h of [...hashes, ...hashes]) addToSketch(one, h);
    const a: string[] = [];
    const b: string[] = [];
    hashes.forEach((h, i) => {
      addToSketch(i % 2 ? a : b, h);
    });
    expect(mergeSketch(a, b)).toEqual(one);
    expect(mergeSketch(b, a)).toEqual(one);
    expect(one).toHaveLength(20);
    expect(one).toEqual([...hashes].sort().slice(0, 20));
  });
});

describe('aggregationTime', () => {
  const b = { maxLateSeconds: 7 * 86_400, maxAheadSeconds: 3600 };
  it('keeps timestamps within bounds and uses the receive time outside them', () => {
    const now = Date.UTC(2026, 0, 10);
    expect(aggregationTime(now - 6 * 86_400_000, now, b)).toBe(now - 6 * 86_400_000);
    expect(aggregationTime(now - 8 * 86_400_000, now, b)).toBe(now);
    expect(aggregationTime(now + 3_599_000, now, b)).toBe(now + 3_599_000);
    expect(aggregationTime(now + 3_601_000, now, b)).toBe(now);
    expect(aggregationTime(-8.64e15, now, b)).toBe(now);
  });
});
