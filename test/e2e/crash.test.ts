import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { ShardStats } from '../../local/esm/shard-consumer.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import {
  aggregateTotals,
  backgroundTraffic,
  postNdjson,
  sleep,
  storedLines,
  type Traffic,
} from '../helpers/e2e.ts';
import { countTokens, tid, waitFor, within } from '../helpers/local.ts';
import { e2eTarget } from './target.ts';

/**
 * The processor dies mid-batch and a new one resumes from the persisted checkpoint: the batch in flight is
 * delivered again (at-least-once), and the outputs must still be exact.
 */

const target = e2eTarget();
const RECORDS = 20_000;
const ESM = { batchingWindowSeconds: 0, pollIntervalMs: 50 };
let stack: LocalStack | undefined;
let traffic: Traffic | undefined;
const children: ChildProcess[] = [];

afterEach(async () => {
  // Requests still in flight are abandoned before the stack goes, so none rejects unhandled.
  await traffic?.stop();
  traffic = undefined;
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  await stack?.stop();
  stack = undefined;
});

/** Sends in 40 requests spread over ~4 s, so batches keep flowing while the processor is killed. */
function sendAll(url: string, key: string): Traffic {
  traffic = backgroundTraffic((signal) => send(url, key, signal));
  return traffic;
}

async function send(url: string, key: string, signal: AbortSignal): Promise<void> {
  const batches = Array.from({ length: RECORDS / 500 }, (_, r) =>
    Array.from({ length: 500 }, (_, i) => ({
      service: `svc-${i % 4}`,
      level: 'info',
      message: `work item done ${tid(r * 500 + i)}`,
    })),
  );
  for (const b of batches) {
    await postNdjson(url, key, b, signal);
    await sleep(100, signal);
  }
}

async function expectExact(s: LocalStack): Promise<void> {
  const tokens = countTokens(await storedLines(s));
  expect(tokens.size).toBe(RECORDS);
  expect([...tokens.values()].filter((c) => c !== 1)).toEqual([]);
  expect((await aggregateTotals(s, 'acme')).total).toBe(RECORDS);
}

interface Killed {
  shardId: string;
  checkpoint: string;
  firstSequenceNumber: string;
}

/**
 * The processor as a child process; `stats` holds its latest per-shard report. With `killAtInvocation`, its hook
 * SIGKILLs it from inside a batch (from that invocation on, on a shard with a persisted checkpoint) and `killed`
 * says which batch.
 */
function spawnWorker(stateDir: string, killAtInvocation?: number) {
  const args = ['--import', 'tsx', 'local/processor-worker.ts', stateDir, JSON.stringify(ESM)];
  if (killAtInvocation !== undefined) args.push(`--kill-mid-batch=${killAtInvocation}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const worker = {
    child,
    exited,
    ready: false,
    stats: [] as ShardStats[],
    killed: undefined as Killed | undefined,
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line === 'ready') worker.ready = true;
    else if (line.startsWith('killed ')) worker.killed = JSON.parse(line.slice(7)) as Killed;
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
    const first = spawnWorker(stateDir, 3);
    await waitFor(() => first.ready || undefined, 60_000, 'worker ready');
    const sending = sendAll(stack.state.ingestUrl, stack.state.apiKey);
    await within(90_000, 'the worker killing itself mid-batch', () => first.exited);
    const killed = first.killed;
    expect(killed, 'the worker died without its hook reporting the batch in flight').toBeDefined();
    // The shard that was mid-batch has its checkpoint where it was before the batch: the batch was never recorded.
    const persisted = JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as Record<
      string,
      Record<string, string>
    >;
    const shards = Object.values(persisted)[0] ?? {};
    expect(shards[killed!.shardId]).toBe(killed!.checkpoint);
    expect(BigInt(killed!.checkpoint) < BigInt(killed!.firstSequenceNumber)).toBe(true);
    await within(150_000, 'the traffic to be sent', () => sending.done());

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
    await within(150_000, 'the traffic to be sent', () => sending.done());
    await s.runner()!.drained(180_000);
    await expectExact(s);
  });
});
