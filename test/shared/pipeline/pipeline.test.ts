import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load.ts';
import { createPipeline } from '../../../shared/pipeline/pipeline.ts';
import { normalizeRecord } from '../../../shared/record/normalize.ts';
import type { LogRecord } from '../../../shared/record/record.ts';

function rulesFrom(pipeline: unknown) {
  return parseConfig(
    {
      version: 1,
      regions: { eu: { awsRegion: 'eu-west-1' } },
      defaults: { pipeline },
      tenants: [{ id: 'acme', homeRegion: 'eu', keys: [{ id: 'k', sha256: 'a'.repeat(64) }] }],
    },
    'test',
  ).tenants[0]!.pipeline;
}

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
function records(raw: Record<string, unknown>[]): LogRecord[] {
  let n = 0;
  return raw.map((r, i) =>
    normalizeRecord(
      { timestamp: T0 + i * 1000, service: 'checkout', ...r },
      { tenant: 'acme', region: 'eu', protocol: 'test', receivedAt: T0, nextId: () => `id-${n++}` },
    ),
  );
}

const PII = [
  { level: 'info', message: 'order paid by jane.doe@example.com with 4111 1111 1111 1111' },
  { level: 'debug', message: 'cache warm' },
  {
    level: 'error',
    message: 'login failed for 203.0.113.9',
    user: { password: 'hunter2', email: 'x@example.org' },
  },
  { level: 'info', message: 'GET /health 200', path: '/health' },
  { level: 'info', message: 'order paid by sam@example.net with 5555 5555 5555 4444' },
];

describe('createPipeline', () => {
  const rules = rulesFrom({
    filter: {
      minLevel: 'info',
      drop: [{ name: 'health', when: [{ field: 'attributes.path', equals: '/health' }] }],
    },
  });

  it('keeps records in input order with their input index, masked, and counts drops by reason', () => {
    const result = createPipeline(rules).run(records(PII));
    expect(result.outputs.map((o) => o.index)).toEqual([0, 2, 4]);
    expect(result.stats).toMatchObject({ in: 5, out: 3, dropped: { level: 1, health: 1 }, suppressed: 0 });
    const text = result.outputs.map((o) => o.line).join('\n');
    for (const secret of [
      'jane.doe@example.com',
      '4111 1111 1111 1111',
      '203.0.113.9',
      'hunter2',
      'x@example.org',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(result.stats.masked.email).toBeGreaterThanOrEqual(3);
    expect(result.stats.masked.card).toBe(2);
    expect(JSON.parse(result.outputs[0]!.line).message).toBe(result.outputs[0]!.record.message);
  });

  it('aggregates only masked values and counts the bytes written', () => {
    const result = createPipeline(rules).run(records(PII));
    const aggregates = JSON.stringify({
      counts: [...result.aggregates.counts.values()],
      patterns: [...result.aggregates.patterns.values()],
    });
    for (const secret of ['jane.doe', 'sam@example.net', '4111', '5555 5555', '203.0.113.9', 'hunter2']) {
      expect(aggregates).not.toContain(secret);
    }
    const counts = [...result.aggregates.counts.values()];
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(3);
    const bytes = result.outputs.reduce((n, o) => n + Buffer.byteLength(o.line), 0);
    expect(counts.reduce((n, c) => n + c.bytes, 0)).toBe(bytes);
    // Both "order paid" lines collapse into one template.
    const paid = [...result.aggregates.patterns.values()].filter((p) =>
      p.template.startsWith('order paid by'),
    );
    expect(paid).toHaveLength(1);
    expect(paid[0]!.count).toBe(2);
  });

  it('gives the same result however often a batch is replayed', () => {
    const pipeline = createPipeline(rules);
    const input = records(PII);
    const a = pipeline.run(input);
    const b = pipeline.run(input);
    expect(b.outputs.map((o) => o.line)).toEqual(a.outputs.map((o) => o.line));
    expect([...b.aggregates.counts.entries()]).toEqual([...a.aggregates.counts.entries()]);
  });

  it('does not modify its input records', () => {
    const input = records(PII);
    const before = JSON.stringify(input);
    createPipeline(rules).run(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('emits suppression summaries at the end of a session, masked like any record', () => {
    const suppress = rulesFrom({
      filter: { suppress: [{ name: 'rep', key: ['message'], max: 2, periodSeconds: 60 }] },
    });
    const input = records(Array.from({ length: 10 }, () => ({ message: 'retrying bob@example.com' })));
    const result = createPipeline(suppress).run(input);
    expect(result.stats.suppressed).toBe(8);
    expect(result.stats.dropped['suppress:rep']).toBe(8);
    const summaries = result.outputs.filter((o) => o.index === -1);
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.record.message).toMatch(/^8 records suppressed for key /);
    expect(summaries[0]!.line).not.toContain('bob@example.com');
  });

  it('keep rules override the level threshold', () => {
    const keep = rulesFrom({
      filter: {
        minLevel: 'error',
        keep: [{ name: 'audit', when: [{ field: 'attributes.audit', exists: true }] }],
      },
    });
    const result = createPipeline(keep).run(
      records([{ level: 'debug', message: 'a', audit: 1 }, { level: 'debug' }]),
    );
    expect(result.outputs.map((o) => o.index)).toEqual([0]);
  });
});
