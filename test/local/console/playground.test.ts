import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runPlayground, tenantRulesYaml } from '../../../local/console/playground.ts';
import { LOCAL_HMAC_ENV } from '../../../shared/local/state.ts';

const CONFIG = 'config/example.yaml';
const KEY = 'playground-test-hmac-key';
const LINES = [
  '{"timestamp":"2026-12-02T10:00:00Z","service":"checkout","level":"info","message":"payment by ada@example.com with card 4111 1111 1111 1111","attributes":{"http":{"status":200},"duration_ms":42}}',
  '{"timestamp":"2026-12-02T10:00:01Z","service":"web","level":"info","message":"GET /health","attributes":{"path":"/health"}}',
  '{"timestamp":"2026-12-02T10:00:02Z","service":"web","level":"debug","message":"cache miss"}',
  '{"timestamp":"2026-12-02T10:00:03Z","service":"auth","level":"warn","message":"login failed from 203.0.113.7","attributes":{"password":"hunter2"}}',
  '2026-12-02T10:00:04Z ERROR billing: IBAN GB82WEST12345698765432 rejected, call +44 20 7946 0958',
];
const ctx = { tenant: 'acme', region: 'eu', env: { [LOCAL_HMAC_ENV]: KEY } };

/** The stored line without what differs per run: ingest id and receive time (a text line's timestamp). */
const comparable = (line: string) => {
  const { ingest: _ingest, timestamp: _timestamp, ...rest } = JSON.parse(line) as Record<string, unknown>;
  return rest;
};

describe('rule playground', () => {
  it('masks exactly what `sluice process` masks for the same lines and rules', () => {
    const cli = spawnSync(
      process.execPath,
      ['bin/sluice.mjs', 'process', '--config', CONFIG, '--tenant', 'acme'],
      {
        input: `${LINES.join('\n')}\n`,
        encoding: 'utf8',
        env: { ...process.env, [LOCAL_HMAC_ENV]: KEY },
        timeout: 60_000,
      },
    );
    expect(cli.status, cli.stderr).toBe(0);
    const outcome = runPlayground(LINES.join('\n'), tenantRulesYaml(CONFIG, 'acme'), ctx);
    if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
    const kept = outcome.result.lines.filter((l) => l.kept).map((l) => comparable(l.output!));
    const fromCli = cli.stdout.trim().split('\n').map(comparable);
    expect(kept).toEqual(fromCli);
    expect(kept).toHaveLength(3);
    expect(JSON.stringify(kept)).not.toMatch(/ada@example\.com|4111 1111|hunter2|203\.0\.113\.7|GB82WEST/);
  });

  it('says why each dropped line was dropped and where each masked span is', () => {
    const outcome = runPlayground(LINES.join('\n'), tenantRulesYaml(CONFIG, 'acme'), ctx);
    if (!outcome.ok) throw new Error('rules invalid');
    const r = outcome.result;
    expect(r.lines.map((l) => l.reason ?? 'kept')).toEqual([
      'kept',
      'health-checks',
      'level',
      'kept',
      'kept',
    ]);
    const first = r.lines[0]!;
    expect(first.masked).toEqual({ email: 1, card: 1 });
    expect(first.spans.map((s) => [s.detector, first.output!.slice(s.start, s.end)])).toEqual([
      ['email', expect.stringMatching(/^<email:[0-9a-f]{16}>$/)],
      ['card', '<card:…1111>'],
    ]);
    expect(r.lines[3]!.spans.map((s) => s.detector).sort()).toEqual(['ipv4', 'redacted']);
    expect(r.stats).toMatchObject({ in: 5, out: 3, dropped: { 'health-checks': 1, level: 1 } });
    expect(r.patterns.map((p) => p.template)).toContain('payment by <email> with card <card>');
    expect(r.counts.find((c) => c.service === 'checkout')).toMatchObject({
      count: 1,
      dims: { 'attributes.http.status': '200' },
      stats: { 'attributes.duration_ms': { count: 1, sum: 42, min: 42, max: 42 } },
    });
    expect(r.config).toMatch(/^pipeline:\n {2}filter:\n/m);
  });

  it("pseudonymises with the local stack's development key when the key's variable is unset, as the stack does", () => {
    const rules = tenantRulesYaml(CONFIG, 'acme');
    const email = (c: Parameters<typeof runPlayground>[2]) => {
      const o = runPlayground(LINES[0]!, rules, c);
      return o.ok ? JSON.parse(o.result.lines[0]!.output!).message : o.errors;
    };
    const viaEnv = email(ctx);
    expect(email({ tenant: 'acme', region: 'eu', env: {}, devHmacKey: KEY })).toBe(viaEnv);
    expect(email({ tenant: 'acme', region: 'eu', env: {}, devHmacKey: 'another-key' })).not.toBe(viaEnv);
    expect(email({ tenant: 'acme', region: 'eu', env: {} })).toEqual([
      { path: 'mask.hmacKey', message: expect.stringMatching(/email/) },
    ]);
  });

  it('emits suppression summaries as the pipeline does at the end of a batch', () => {
    const rules =
      'filter:\n  suppress:\n    - { name: repeats, key: [message], max: 1, periodSeconds: 60 }\n';
    const outcome = runPlayground('same\nsame\nsame', rules, ctx);
    if (!outcome.ok) throw new Error('rules invalid');
    expect(outcome.result.lines.map((l) => l.reason ?? 'kept')).toEqual([
      'kept',
      'suppress:repeats',
      'suppress:repeats',
    ]);
    expect(outcome.result.summaries).toHaveLength(1);
  });

  it('reports rule errors at their key path, with the schema of the config file', () => {
    const errors = (rules: string) => {
      const o = runPlayground('x', rules, ctx);
      return o.ok ? [] : o.errors;
    };
    expect(errors('mask: { mode: scramble }')).toEqual([
      { path: 'mask.mode', message: expect.stringMatching(/Invalid option/) },
    ]);
    expect(errors('filter: { minLevl: info }')).toEqual([
      { path: 'filter', message: 'unknown key "minLevl"' },
    ]);
    expect(errors('mask: { detectors: { email: { mode: hmac } } }')).toEqual([
      { path: 'mask.hmacKey', message: 'is required: mode hmac is used by email' },
    ]);
    expect(errors('filter: [unclosed')[0]).toMatchObject({ path: '(yaml)' });
    expect(errors('aggregate:\n  groupBy: [a, b, c, d, e, f]')[0]!.path).toBe('aggregate.groupBy');
  });
});
