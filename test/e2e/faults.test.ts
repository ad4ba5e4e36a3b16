import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { aggregateTotals, postNdjson, storedLines } from '../helpers/e2e.ts';
import { countTokens, tid } from '../helpers/local.ts';
import { e2eTarget } from './target.ts';

/**
 * 50,000 records through the pipeline while a proxy fails 10 % of the functions' Kinesis, DynamoDB and S3 calls
 * with throttling (400 ProvisionedThroughputExceeded/Throttling, S3 503 SlowDown) or 500: the bucket and the
 * aggregates must still hold every record exactly once.
 */

const target = e2eTarget();
const RECORDS = 50_000;
const PER_REQUEST = 200;
let stack: LocalStack;

beforeAll(async () => {
  if (target.kind !== 'embedded') return;
  stack = await startLocalStack({
    memory: true,
    port: 0,
    stateDir: mkdtempSync(join(tmpdir(), 'sluice-faults-')),
    faults: { failureRate: 0.1 },
    // Ingest packs a request's records into few stream records: small batches make many S3 and DynamoDB writes,
    // so every proxied service sees its share of failures.
    esm: { batchSize: 2, batchingWindowSeconds: 0, pollIntervalMs: 50 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

const SERVICES = ['checkout', 'payments', 'search', 'auth', 'mailer'];

// Fault injection needs the proxy in front of the embedded emulators; LocalStack's own ESM is not ours to test.
describe.skipIf(target.kind !== 'embedded')('pipeline under injected faults', () => {
  it('stores and counts 50,000 records exactly once with 10 % of AWS calls failing', {
    timeout: 300_000,
  }, async () => {
    const { ingestUrl: url, apiKey: key } = stack.state;
    const requests = Array.from({ length: RECORDS / PER_REQUEST }, (_, r) =>
      Array.from({ length: PER_REQUEST }, (_, i) => {
        const n = r * PER_REQUEST + i;
        return {
          service: SERVICES[n % SERVICES.length],
          level: n % 10 === 0 ? 'warn' : 'info',
          // Unique per record (the `repeats` rule suppresses identical lines) but one pattern per service, so a
          // batch makes few aggregate writes; the token sits in an attribute.
          message: `request ${n} served`,
          ref: tid(n),
          http: { status: 200 + (n % 3) },
          duration_ms: n % 250,
        };
      }),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < requests.length) await postNdjson(url, key, requests[next++]!);
      }),
    );
    await stack.runner()!.drained(240_000);

    for (const proxy of stack.faultProxies) {
      const { failed } = proxy.stats();
      expect(Object.values(failed).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    }
    const tokens = countTokens(await storedLines(stack));
    expect(tokens.size).toBe(RECORDS);
    const doubled = [...tokens.entries()].filter(([, c]) => c !== 1);
    expect(doubled).toEqual([]);
    const totals = await aggregateTotals(stack, 'acme');
    expect(totals.total).toBe(RECORDS);
    expect(Object.values(totals.byService)).toEqual(SERVICES.map(() => RECORDS / SERVICES.length));
  });
});
