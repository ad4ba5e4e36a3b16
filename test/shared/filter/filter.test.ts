import { describe, expect, it } from 'vitest';
import { type FilterConfig, filterSchema } from '../../../shared/config/schema.ts';
import { createFilter } from '../../../shared/filter/filter.ts';
import { makeRecord } from '../../helpers/records.ts';

const filterOf = (config: Record<string, unknown>) =>
  createFilter(filterSchema.parse(config) as FilterConfig);
const KEEP = { keep: true, forced: false };

describe('createFilter', () => {
  it('keeps everything without rules', () => {
    expect(filterOf({})(makeRecord({ level: 'trace' }))).toEqual(KEEP);
  });

  it('drops records below minLevel with reason "level"', () => {
    const filter = filterOf({ minLevel: 'warn' });
    expect(filter(makeRecord({ level: 'info' }))).toEqual({ keep: false, reason: 'level' });
    expect(filter(makeRecord({ level: 'debug' }))).toEqual({ keep: false, reason: 'level' });
    expect(filter(makeRecord({ level: 'warn' }))).toEqual(KEEP);
    expect(filter(makeRecord({ level: 'fatal' }))).toEqual(KEEP);
  });

  describe('conditions', () => {
    const dropWhen = (...when: unknown[]) => filterOf({ drop: [{ name: 'rule', when }] });
    const dropped = (
      filter: ReturnType<typeof filterOf>,
      attributes: Record<string, unknown>,
      message = 'm',
    ) => !filter(makeRecord({ attributes, message })).keep;

    it('equals compares scalars as text (500 matches "500"), never objects', () => {
      const f = dropWhen({ field: 'attributes.http.status', equals: 500 });
      expect(dropped(f, { http: { status: 500 } })).toBe(true);
      expect(dropped(f, { http: { status: '500' } })).toBe(true);
      expect(dropped(f, { http: { status: 501 } })).toBe(false);
      expect(dropped(f, { http: { status: { code: 500 } } })).toBe(false);
      expect(dropped(f, {})).toBe(false);
      const b = dropWhen({ field: 'attributes.debug', equals: true });
      expect(dropped(b, { debug: true })).toBe(true);
      expect(dropped(b, { debug: false })).toBe(false);
    });

    it('in matches any listed value', () => {
      const f = dropWhen({ field: 'attributes.path', in: ['/health', '/ready', 42] });
      expect(dropped(f, { path: '/ready' })).toBe(true);
      expect(dropped(f, { path: 42 })).toBe(true);
      expect(dropped(f, { path: '/healthz' })).toBe(false);
      expect(dropped(f, {})).toBe(false);
    });

    it('regex tests the field text (numbers included)', () => {
      const f = dropWhen({ field: 'attributes.ua', regex: '^kube-probe/' });
      expect(dropped(f, { ua: 'kube-probe/1.29' })).toBe(true);
      expect(dropped(f, { ua: 'curl/8 kube-probe/1' })).toBe(false);
      const n = dropWhen({ field: 'attributes.code', regex: '^5\\d\\d$' });
      expect(dropped(n, { code: 503 })).toBe(true);
      expect(dropped(n, { code: 404 })).toBe(false);
    });

    it('exists: true needs a present, non-null value; exists: false the opposite', () => {
      const yes = dropWhen({ field: 'attributes.trace', exists: true });
      expect(dropped(yes, { trace: '' })).toBe(true);
      expect(dropped(yes, { trace: null })).toBe(false);
      expect(dropped(yes, {})).toBe(false);
      const no = dropWhen({ field: 'attributes.trace', exists: false });
      expect(dropped(no, {})).toBe(true);
      expect(dropped(no, { trace: 'x' })).toBe(false);
    });

    it('message tests the message text', () => {
      const f = dropWhen({ message: 'kube-probe/\\d' });
      expect(dropped(f, {}, 'GET / kube-probe/1.29')).toBe(true);
      expect(dropped(f, {}, 'GET / kube-probe/x')).toBe(false);
    });

    it('drops only when every condition of a rule holds', () => {
      const f = dropWhen(
        { field: 'service', equals: 'checkout' },
        { field: 'attributes.path', equals: '/health' },
      );
      expect(dropped(f, { path: '/health' })).toBe(true);
      expect(dropped(f, { path: '/pay' })).toBe(false);
      expect(
        filterOf({ drop: [{ name: 'r', when: [{ field: 'service', equals: 'x' }] }] })(makeRecord()).keep,
      ).toBe(true);
    });
  });

  it('names the first matching drop rule as the reason', () => {
    const filter = filterOf({
      drop: [
        { name: 'health', when: [{ field: 'attributes.path', equals: '/health' }] },
        { name: 'noisy', when: [{ field: 'service', equals: 'checkout' }] },
      ],
    });
    expect(filter(makeRecord({ attributes: { path: '/health' } }))).toEqual({
      keep: false,
      reason: 'health',
    });
    expect(filter(makeRecord({ attributes: { path: '/pay' } }))).toEqual({ keep: false, reason: 'noisy' });
  });

  it('keep rules override the level threshold, drop rules and sampling, and mark the record forced', () => {
    const filter = filterOf({
      minLevel: 'error',
      drop: [{ name: 'all', when: [{ field: 'service', exists: true }] }],
      sample: [{ name: 's', key: 'attributes.id', oneIn: 1_000_000 }],
      keep: [{ name: 'audit', when: [{ field: 'attributes.audit', equals: true }] }],
    });
    expect(filter(makeRecord({ level: 'debug', attributes: { audit: true, id: 'x' } }))).toEqual({
      keep: true,
      forced: true,
    });
    expect(filter(makeRecord({ level: 'debug', attributes: { audit: false } }))).toEqual({
      keep: false,
      reason: 'level',
    });
    expect(filter(makeRecord({ level: 'error' }))).toEqual({ keep: false, reason: 'all' });
  });

  describe('sampling', () => {
    const sampler = filterOf({ sample: [{ name: 'traces', key: 'attributes.trace', oneIn: 4 }] });
    const verdict = (trace: unknown, service = 'checkout') =>
      sampler(makeRecord({ service, attributes: trace === undefined ? {} : { trace } })).keep;

    it('keeps about 1 in N distinct key values, dropping the rest as sample:<name>', () => {
      let kept = 0;
      for (let i = 0; i < 8_000; i++) if (verdict(`t-${i}`)) kept++;
      expect(kept).toBeGreaterThan(1_800);
      expect(kept).toBeLessThan(2_200);
      const dropped = Array.from({ length: 50 }, (_, i) => `t-${i}`).find((t) => !verdict(t));
      expect(sampler(makeRecord({ attributes: { trace: dropped } }))).toEqual({
        keep: false,
        reason: 'sample:traces',
      });
    });

    it('decides the same for the same value, in any record, any filter instance and any order', () => {
      const other = filterOf({ sample: [{ name: 'other-name', key: 'attributes.trace', oneIn: 4 }] });
      for (let i = 0; i < 200; i++) {
        const trace = `t-${i}`;
        const first = verdict(trace);
        expect(verdict(trace, 'another-service')).toBe(first);
        expect(other(makeRecord({ attributes: { trace } })).keep).toBe(first);
      }
    });

    it('does not sample records without the key, nor records its "when" excludes', () => {
      expect(Array.from({ length: 100 }, () => verdict(undefined)).every(Boolean)).toBe(true);
      const onlyDebug = filterOf({
        sample: [
          { name: 'dbg', key: 'message', oneIn: 1_000_000, when: [{ field: 'level', equals: 'debug' }] },
        ],
      });
      expect(onlyDebug(makeRecord({ level: 'info', message: 'x' })).keep).toBe(true);
      expect(onlyDebug(makeRecord({ level: 'debug', message: 'x' }))).toEqual({
        keep: false,
        reason: 'sample:dbg',
      });
    });

    it('oneIn: 1 keeps everything', () => {
      const all = filterOf({ sample: [{ name: 'a', key: 'message', oneIn: 1 }] });
      for (let i = 0; i < 100; i++) expect(all(makeRecord({ message: `m${i}` })).keep).toBe(true);
    });
  });
});
