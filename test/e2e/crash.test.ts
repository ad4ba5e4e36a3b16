import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShardStats } from '../../local/esm/shard-consumer.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { aggregateTotals, postNdjson, storedLines } from '../helpers/e2e.ts';
import { countTokens, tid, waitFor } from '../helpers/local.ts';
import { e2eTarget } from './target.ts';

/**
 * The processor dies mid-batch and a new one resumes from the persisted checkpoint: the batch in flight is
 * delivered again (at-least-once), and the outputs must still be exact.
 */

const target = e2eTarget();
const RECORDS = 20_000;
const ESM = { batchingWindowSeconds: 0, pollIntervalMs: 50 };
let stack: LocalStack | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await stack?.stop();
  stack = undefined;
});

/** Sends in 40 requests spread over ~4 s, so batches keep flowing while the processor is killed. */
async function sendAll(url: string, key: string): Promise<void> {
  const batches = Array.from({ length: RECORDS / 500 }, (_, r) =>
    Array.from({ length: 500 }, (_, i) => ({
      service: `svc-${i % 4}`,
      level: 'info',
      message: `work item done ${tid(r * 500 + i)}`,
    })),
  );
  for (const b of batches) {
    await postNdjson(url, key, b);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function expectExact(s: LocalStack): Promise<void> {
  const tokens = countTokens(await storedLines(s));
  expect(tokens.size).toBe(RECORDS);
  expect([...tokens.values()].filter((c) => c !== 1)).toEqual([]);
  expect((await aggregateTotals(s, 'acme')).total).toBe(RECORDS);
}

/** The processor as a child process; `stats` holds its latest per-shard report. */
function spawnWorker(stateDir: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'local/processor-worker.ts', stateDir, JSON.stringify(ESM)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const worker = { child, ready: false, stats: [] as ShardStats[] };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') worker.ready = true;
    else worker.stats = JSON.parse(line) as ShardStats[];
  });
  return worker;
}

const midBatch = (stats: ShardStats[]) =>
  stats.some((s) => s.inFlight) && stats.reduce((a, s) => a + s.invocations, 0) >= 3;

describe.skipIf(target.kind !== 'embedded')('processor crash and restart', () => {
  it('a processor process SIGKILLed mid-batch, then restarted, still yields exact outputs', {
    timeout: 240_000,
  }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sluice-crash-'));
    stack = await startLocalStack({ memory: true, port: 0, stateDir, processor: false });
    const first = spawnWorker(stateDir);
    await waitFor(() => first.ready || undefined, 60_000, 'worker ready');
    const sending = sendAll(stack.state.ingestUrl, stack.state.apiKey);
    await waitFor(() => midBatch(first.stats) || undefined, 60_000, 'a batch in flight');
    first.child.kill('SIGKILL');
    const atKill = first.stats;
    await new Promise((r) => first.child.once('exit', r));
    // The shard that was mid-batch has its checkpoint where the report left it: the batch was never recorded.
    const persisted = JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const shards = Object.values(persisted)[0] ?? {};
    expect(atKill.some((s) => s.inFlight && shards[s.shardId] === s.checkpoint)).toBe(true);
    await sending;

    const second = spawnWorker(stateDir);
    await waitFor(
      () => (second.stats.length > 0 && second.stats.every((s) => s.caughtUp) ? true : undefined),
      180_000,
      'second worker caught up',
    );
    await new Promise((r) => setTimeout(r, 500));
    await waitFor(() => (second.stats.every((s) => s.caughtUp) ? true : undefined), 60_000, 'idle');
    second.child.kill('SIGTERM');
    await expectExact(stack);
  });

  it('an in-process runner abandoned mid-batch (its writes still running) and replaced stays exact', {
    timeout: 240_000,
  }, async () => {
    stack = await startLocalStack({
      memory: true,
      port: 0,
      stateDir: mkdtempSync(join(tmpdir(), 'sluice-crash-')),
      esm: ESM,
    });
    const s = stack;
    const sending = sendAll(s.state.ingestUrl, s.state.apiKey);
    for (let kill = 0; kill < 3; kill++) {
      await waitFor(() => midBatch(s.runner()?.stats() ?? []) || undefined, 60_000, 'a batch in flight');
      await s.stopProcessor({ abandon: true });
      await s.startProcessor();
    }
    await sending;
    await s.runner()!.drained(180_000);
    await expectExact(s);
  });
});
