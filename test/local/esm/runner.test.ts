import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { fileCheckpointStore, memoryCheckpointStore } from '../../../local/esm/checkpoints.ts';
import { createEsmRunner, type EsmRunner, type EsmRunnerOptions } from '../../../local/esm/runner.ts';
import type { EsmLogEvent } from '../../../local/esm/shard-consumer.ts';
import type { EsmHandler, EsmSettings } from '../../../local/esm/types.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import type { EsmFailureMessage } from '../../../shared/failure/esm-failure.ts';
import {
  createTestQueue,
  createTestStream,
  payloads,
  putRecords,
  receiveAll,
  waitFor,
} from '../../helpers/local.ts';

/**
 * Conformance of the local event source mapping with the rules of aws-semantics.md, one `it` per rule, against
 * kinesalite. The handler is scripted per test: it is the runner's input, the runner is the system under test.
 */

let emulators: Emulators;
let clients: Clients;
const runners: EsmRunner[] = [];

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints });
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop({ abandon: true })));
});
afterAll(async () => {
  await emulators?.stop();
});

const base: EsmSettings = {
  batchSize: 10,
  batchingWindowSeconds: 0,
  maxRetryAttempts: 2,
  maxRecordAgeSeconds: -1,
  bisectOnError: false,
};

interface Invocation {
  payloads: string[];
  seqs: string[];
  shard: string;
  bytes: number;
  at: number;
  arrivals: number[];
}

/** Records every invocation, then answers with `script(invocation, n)` (n = 0-based invocation number). */
function scripted(script: (inv: Invocation, n: number) => unknown = () => undefined) {
  const invocations: Invocation[] = [];
  const handler: EsmHandler = async (event: KinesisStreamEvent) => {
    const inv: Invocation = {
      payloads: payloads(event),
      seqs: event.Records.map((r) => r.kinesis.sequenceNumber),
      shard: event.Records[0]!.eventID.split(':')[0]!,
      bytes: Buffer.byteLength(JSON.stringify(event)),
      at: Date.now(),
      arrivals: event.Records.map((r) => r.kinesis.approximateArrivalTimestamp * 1000),
    };
    invocations.push(inv);
    return (await script(inv, invocations.length - 1)) as KinesisStreamBatchResponse | undefined;
  };
  return { invocations, handler };
}

async function run(
  streamName: string,
  handler: EsmHandler,
  settings: Partial<EsmSettings> = {},
  extra: Partial<EsmRunnerOptions> = {},
): Promise<EsmRunner> {
  const runner = createEsmRunner({
    kinesis: clients.kinesis,
    streamName,
    awsRegion: 'eu-west-1',
    handler,
    settings: { ...base, ...settings },
    checkpoints: memoryCheckpointStore(),
    pollIntervalMs: 50,
    retryDelayMs: 10,
    ...extra,
  });
  runners.push(runner);
  await runner.start();
  return runner;
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `r${from + i}`);
const delivered = (invs: Invocation[]) => invs.flatMap((i) => i.payloads);
/** ApproximateArrivalTimestamp of record `i` of an invocation, epoch ms. */
const arrival = (inv: Invocation, i: number) => inv.arrivals[i]!;

describe('local event source mapping (aws-semantics.md)', () => {
  it('delivers a realistic Kinesis event', async () => {
    const stream = await createTestStream(clients.kinesis);
    const [seq] = await putRecords(clients.kinesis, stream, ['{"m":1}'], () => 'pk-1');
    let event: KinesisStreamEvent | undefined;
    await run(stream, async (e) => {
      event = e;
    });
    const record = (await waitFor(() => event)).Records[0]!;
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      awsRegion: 'eu-west-1',
      eventID: `shardId-000000000000:${seq}`,
      kinesis: { partitionKey: 'pk-1', sequenceNumber: seq, kinesisSchemaVersion: '1.0' },
    });
    expect(record.eventSourceARN).toMatch(new RegExp(`^arn:aws:kinesis:[\\w-]+:\\d{12}:stream/${stream}$`));
    expect(Buffer.from(record.kinesis.data, 'base64').toString()).toBe('{"m":1}');
    expect(Math.abs(record.kinesis.approximateArrivalTimestamp * 1000 - Date.now())).toBeLessThan(10_000);
  });

  it('honours the batch size: records waiting are delivered in batches of at most BatchSize, in order', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(25));
    const { invocations, handler } = scripted();
    await run(stream, handler, { batchSize: 10 });
    await waitFor(() => delivered(invocations).length >= 25 || undefined);
    expect(invocations.map((i) => i.payloads.length)).toEqual([10, 10, 5]);
    expect(delivered(invocations)).toEqual(range(25));
  });

  it('honours the batching window: a partial batch waits for the window, then goes as one invocation', async () => {
    const stream = await createTestStream(clients.kinesis);
    const { invocations, handler } = scripted();
    await run(stream, handler, { batchSize: 100, batchingWindowSeconds: 1 });
    const start = Date.now();
    await putRecords(clients.kinesis, stream, range(3));
    await new Promise((r) => setTimeout(r, 300));
    await putRecords(clients.kinesis, stream, range(2, 3));
    await waitFor(() => invocations[0]);
    expect(invocations[0]!.payloads).toEqual(range(5));
    expect(invocations[0]!.at - start).toBeGreaterThanOrEqual(900);
  });

  it('keeps one batch in flight per shard while shards run in parallel, each in sequence order', async () => {
    const stream = await createTestStream(clients.kinesis, 2);
    const active = new Map<string, number>();
    let maxPerShard = 0;
    let maxTotal = 0;
    const { invocations, handler } = scripted(async (inv) => {
      active.set(inv.shard, (active.get(inv.shard) ?? 0) + 1);
      maxPerShard = Math.max(maxPerShard, ...active.values());
      maxTotal = Math.max(
        maxTotal,
        [...active.values()].reduce((a, b) => a + b, 0),
      );
      await new Promise((r) => setTimeout(r, 40));
      active.set(inv.shard, active.get(inv.shard)! - 1);
    });
    await putRecords(clients.kinesis, stream, range(200), (i) => `key-${i}`);
    await run(stream, handler, { batchSize: 10 });
    await waitFor(() => delivered(invocations).length >= 200 || undefined);
    expect(maxPerShard).toBe(1);
    expect(maxTotal).toBe(2);
    for (const shard of new Set(invocations.map((i) => i.shard))) {
      const seqs = invocations.filter((i) => i.shard === shard).flatMap((i) => i.seqs.map(BigInt));
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    }
  });

  it('checkpoints below the lowest reported failure and retries from it, successes after it included', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(10));
    const { invocations, handler } = scripted((inv, n) =>
      n === 0
        ? { batchItemFailures: [{ itemIdentifier: inv.seqs[6]! }, { itemIdentifier: inv.seqs[4]! }] }
        : undefined,
    );
    await run(stream, handler, { batchSize: 10 });
    await putRecords(clients.kinesis, stream, range(3, 10));
    await waitFor(() => (invocations.length >= 2 && delivered(invocations).includes('r12')) || undefined);
    expect(invocations[0]!.payloads).toEqual(range(10));
    // The retry starts at r4 (the lowest failure), repeats r5..r9 and may carry records that arrived meanwhile.
    expect(invocations[1]!.payloads.slice(0, 6)).toEqual(range(6, 4));
    expect(delivered(invocations.slice(1))).toEqual(range(9, 4));
  });

  it('treats a thrown error and a null, empty or unknown itemIdentifier as failure of the whole batch', async () => {
    const answers: (() => unknown)[] = [
      () => {
        throw new Error('boom');
      },
      () => ({ batchItemFailures: [{ itemIdentifier: null }] }),
      () => ({ batchItemFailures: [{ itemIdentifier: '' }] }),
      () => ({ batchItemFailures: [{ itemIdentifier: '12345' }] }),
    ];
    for (const answer of answers) {
      const stream = await createTestStream(clients.kinesis);
      await putRecords(clients.kinesis, stream, range(4));
      const { invocations, handler } = scripted((_inv, n) =>
        n === 0 ? (Promise.resolve().then(answer) as Promise<unknown>) : undefined,
      );
      await run(stream, handler, { batchSize: 10 });
      await waitFor(() => invocations[1]);
      expect(invocations[1]!.payloads).toEqual(range(4));
    }
  });

  it('treats an invocation that outlives the function timeout as failed, and never overlaps the retry', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(3));
    let active = 0;
    let overlap = false;
    const { invocations, handler } = scripted(async (_inv, n) => {
      overlap ||= active > 0;
      active++;
      if (n === 0) await new Promise((r) => setTimeout(r, 400));
      active--;
    });
    await run(stream, handler, {}, { timeoutMs: 150 });
    await waitFor(() => invocations[1]);
    expect(invocations[1]!.payloads).toEqual(range(3));
    expect(overlap).toBe(false);
  });

  it('treats an empty or missing failure list as success', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(6));
    const { invocations, handler } = scripted((_inv, n) =>
      n === 0 ? { batchItemFailures: [] } : (null as unknown as undefined),
    );
    await run(stream, handler, { batchSize: 3 });
    await waitFor(() => invocations[1]);
    await new Promise((r) => setTimeout(r, 300));
    expect(invocations.map((i) => i.payloads)).toEqual([range(3), range(3, 3)]);
  });

  it('stops retrying after MaximumRetryAttempts, sends the batch metadata to the on-failure queue, moves on', async () => {
    const stream = await createTestStream(clients.kinesis);
    const queueUrl = await createTestQueue(clients.sqs);
    const seqs = await putRecords(clients.kinesis, stream, range(3));
    const { invocations, handler } = scripted((inv) => {
      if (inv.payloads.includes('r0')) throw new Error('always');
    });
    await run(
      stream,
      handler,
      { batchSize: 3, maxRetryAttempts: 2 },
      { onFailure: { sqs: clients.sqs, queueUrl } },
    );
    await putRecords(clients.kinesis, stream, range(2, 3));
    await waitFor(() => delivered(invocations).includes('r4') || undefined);
    expect(invocations.filter((i) => i.payloads[0] === 'r0')).toHaveLength(3);
    const [message] = (await waitFor(async () => {
      const m = await receiveAll(clients.sqs, queueUrl);
      return m.length > 0 ? m : undefined;
    })) as EsmFailureMessage[];
    expect(message!.requestContext.condition).toBe('RetryAttemptsExhausted');
    expect(message!.requestContext.approximateInvokeCount).toBe(3);
    expect(message!.KinesisBatchInfo).toMatchObject({
      shardId: 'shardId-000000000000',
      startSequenceNumber: seqs[0],
      endSequenceNumber: seqs[2],
      batchSize: 3,
    });
    expect(message!.KinesisBatchInfo.streamArn).toContain(`stream/${stream}`);
  });

  it('bisects a failing batch without consuming retries, isolating the poison record', async () => {
    const stream = await createTestStream(clients.kinesis);
    const queueUrl = await createTestQueue(clients.sqs);
    const seqs = await putRecords(clients.kinesis, stream, range(8));
    const { invocations, handler } = scripted((inv) => {
      if (inv.payloads.includes('r5')) throw new Error('poison');
    });
    await run(
      stream,
      handler,
      { batchSize: 8, maxRetryAttempts: 1, bisectOnError: true },
      { onFailure: { sqs: clients.sqs, queueUrl } },
    );
    await waitFor(() => invocations.find((i) => i.payloads[0] === 'r6'));
    expect(invocations.map((i) => i.payloads.join(','))).toEqual([
      range(8).join(','),
      'r0,r1,r2,r3',
      'r4,r5,r6,r7',
      'r4,r5',
      'r4',
      'r5',
      'r5', // the one retry allowed: only the single poison record consumed retries
      'r6,r7',
    ]);
    const [message] = (await waitFor(async () => {
      const m = await receiveAll(clients.sqs, queueUrl);
      return m.length > 0 ? m : undefined;
    })) as EsmFailureMessage[];
    expect(message!.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: seqs[5],
      endSequenceNumber: seqs[5],
      batchSize: 1,
    });
  });

  it('with bisection, a partial response splits the batch at the reported record and retries the rest only', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(6));
    const { invocations, handler } = scripted((inv, n) =>
      n === 0 ? { batchItemFailures: [{ itemIdentifier: inv.seqs[3]! }] } : undefined,
    );
    await run(stream, handler, { batchSize: 6, bisectOnError: true });
    await putRecords(clients.kinesis, stream, range(2, 6));
    await waitFor(() => delivered(invocations).includes('r7') || undefined);
    expect(invocations[1]!.payloads).toEqual(['r3', 'r4', 'r5']);
  });

  it('skips records older than MaximumRecordAgeInSeconds to the on-failure queue without invoking', async () => {
    const stream = await createTestStream(clients.kinesis);
    const queueUrl = await createTestQueue(clients.sqs);
    const seqs = await putRecords(clients.kinesis, stream, range(3));
    await new Promise((r) => setTimeout(r, 1_200));
    await putRecords(clients.kinesis, stream, range(2, 3));
    const { invocations, handler } = scripted();
    await run(stream, handler, { maxRecordAgeSeconds: 1 }, { onFailure: { sqs: clients.sqs, queueUrl } });
    await waitFor(() => invocations[0]);
    expect(delivered(invocations)).toEqual(['r3', 'r4']);
    const [message] = (await waitFor(async () => {
      const m = await receiveAll(clients.sqs, queueUrl);
      return m.length > 0 ? m : undefined;
    })) as EsmFailureMessage[];
    expect(message!.requestContext.condition).toBe('MaximumRecordAgeExceeded');
    expect(message!.KinesisBatchInfo).toMatchObject({
      startSequenceNumber: seqs[0],
      endSequenceNumber: seqs[2],
    });
  });

  it('cuts a batch to fit the 6 MB invocation payload', async () => {
    const stream = await createTestStream(clients.kinesis);
    const big = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(1_000_000, 'x'));
    await putRecords(clients.kinesis, stream, big);
    const { invocations, handler } = scripted();
    await run(stream, handler, { batchSize: 10 });
    await waitFor(() => delivered(invocations).length >= 10 || undefined, 30_000);
    for (const inv of invocations) expect(inv.bytes).toBeLessThanOrEqual(6 * 1024 * 1024);
    // 1 MB of data is 1.33 MB of base64: four records fit 6 MiB, five do not.
    expect(invocations.map((i) => i.payloads.length)).toEqual([4, 4, 2]);
    expect(delivered(invocations).map((p) => p[0])).toEqual(range(10).map((r) => r.slice(1)));
  });

  it('skips expired records of a bisected piece once, then invokes the rest of that piece once', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, ['r0']);
    await new Promise((r) => setTimeout(r, 50));
    await putRecords(clients.kinesis, stream, range(3, 1));
    // The clock stops between r0's arrival and r1's, one MaximumRecordAgeInSeconds later, once the first
    // invocation fails: from then on r0 is expired and r1..r3 are not.
    let frozen: number | undefined;
    const { invocations, handler } = scripted((inv, n) => {
      if (n > 0) return;
      frozen = (arrival(inv, 0) + arrival(inv, 1)) / 2 + 1_000;
      throw new Error('boom');
    });
    const messages: EsmFailureMessage[] = [];
    const puts: bigint[] = [];
    const store = memoryCheckpointStore();
    await run(
      stream,
      handler,
      { batchSize: 10, maxRetryAttempts: 5, maxRecordAgeSeconds: 1, bisectOnError: true },
      {
        now: () => frozen ?? Date.now(),
        onFailure: { send: async (m) => void messages.push(m) },
        checkpoints: {
          get: store.get,
          put(stream, shard, seq) {
            puts.push(BigInt(seq));
            store.put(stream, shard, seq);
          },
        },
      },
    );
    // The first invocation already holds r3: wait for the last expected one, then make sure no other follows.
    await waitFor(() => invocations[2], 20_000, 'the third invocation');
    await new Promise((r) => setTimeout(r, 300));
    expect(invocations.map((i) => i.payloads.join(','))).toEqual(['r0,r1,r2,r3', 'r1', 'r2,r3']);
    // Only r0 is reported, once; r1 succeeded and is never reported as expired; the checkpoint never moves back.
    expect(messages.map((m) => [m.requestContext.condition, m.KinesisBatchInfo.batchSize])).toEqual([
      ['MaximumRecordAgeExceeded', 1],
    ]);
    expect(messages[0]!.KinesisBatchInfo.startSequenceNumber).toBe(invocations[0]!.seqs[0]);
    expect(puts.every((p, i) => i === 0 || p > puts[i - 1]!)).toBe(true);
  });

  it('gives each bisected piece its own retry count, whatever the batch it came from went through', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(4));
    const { invocations, handler } = scripted((inv, n) => {
      // A partial response at the first record (a failed invocation of the whole batch), then r0 always fails.
      if (n === 0) return { batchItemFailures: [{ itemIdentifier: inv.seqs[0]! }] };
      if (inv.payloads.includes('r0')) throw new Error('poison');
    });
    await run(stream, handler, { batchSize: 4, maxRetryAttempts: 1, bisectOnError: true });
    // The first invocation already holds r3: wait for the last expected one (a loaded machine is slow to get there).
    await waitFor(() => invocations[6], 20_000, 'the seventh invocation');
    await new Promise((r) => setTimeout(r, 300));
    expect(invocations.map((i) => i.payloads.join(','))).toEqual([
      'r0,r1,r2,r3',
      'r0,r1,r2,r3',
      'r0,r1',
      'r0',
      'r0', // the single record's own retry: the failure of the batch before bisection does not count
      'r1',
      'r2,r3',
    ]);
  });

  it('after retrying a bisected piece, waits for the batching window again', async () => {
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(2));
    const { invocations, handler } = scripted((_inv, n) => {
      if (n < 2) throw new Error('fails twice');
    });
    await run(stream, handler, { batchSize: 100, batchingWindowSeconds: 1, bisectOnError: true });
    await waitFor(() => invocations[3]);
    expect(invocations.map((i) => i.payloads.join(','))).toEqual(['r0,r1', 'r0', 'r0', 'r1']);
    const sent = Date.now();
    await putRecords(clients.kinesis, stream, ['r2']);
    await waitFor(() => delivered(invocations).includes('r2') || undefined);
    expect(invocations.at(-1)!.at - sent).toBeGreaterThanOrEqual(900);
  });

  it('reads from TRIM_HORIZON, saying so once, when the stored checkpoint does not belong to the stream', async () => {
    const old = await createTestStream(clients.kinesis);
    const [foreign] = await putRecords(clients.kinesis, old, ['elsewhere']);
    // Kinesalite tells streams apart by the second their shards were created.
    await new Promise((r) => setTimeout(r, 1_100));
    const stream = await createTestStream(clients.kinesis);
    await putRecords(clients.kinesis, stream, range(3));
    const checkpoints = memoryCheckpointStore();
    checkpoints.put(stream, 'shardId-000000000000', foreign!);
    const events: EsmLogEvent[] = [];
    const { invocations, handler } = scripted();
    const runner = await run(stream, handler, {}, { checkpoints, log: (e) => events.push(e) });
    await waitFor(() => delivered(invocations).includes('r2') || undefined, 5_000);
    await runner.drained(5_000);
    expect(delivered(invocations)).toEqual(range(3));
    expect(events.filter((e) => e.kind === 'checkpoint-invalid')).toEqual([
      expect.objectContaining({ shardId: 'shardId-000000000000', checkpoint: foreign }),
    ]);
    expect(checkpoints.get(stream, 'shardId-000000000000')).toBe(invocations[0]!.seqs[2]);
  });

  it('persists checkpoints: a restarted runner resumes after the last completed batch', async () => {
    const stream = await createTestStream(clients.kinesis);
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-esm-')), 'checkpoints.json');
    await putRecords(clients.kinesis, stream, range(6));
    const first = scripted();
    const r1 = await run(stream, first.handler, { batchSize: 3 }, { checkpoints: fileCheckpointStore(path) });
    await waitFor(() => first.invocations[1]);
    await r1.stop();
    await putRecords(clients.kinesis, stream, range(2, 6));
    const second = scripted();
    await run(stream, second.handler, { batchSize: 3 }, { checkpoints: fileCheckpointStore(path) });
    await waitFor(() => delivered(second.invocations).includes('r7') || undefined);
    expect(delivered(second.invocations)).toEqual(['r6', 'r7']);
  });

  it('redelivers a batch whose runner died mid-invocation (at-least-once)', async () => {
    const stream = await createTestStream(clients.kinesis);
    const path = join(mkdtempSync(join(tmpdir(), 'sluice-esm-')), 'checkpoints.json');
    await putRecords(clients.kinesis, stream, range(6));
    let release: () => void = () => {};
    const first = scripted((_inv, n) => (n === 1 ? new Promise<void>((r) => (release = r)) : undefined));
    const r1 = await run(stream, first.handler, { batchSize: 3 }, { checkpoints: fileCheckpointStore(path) });
    await waitFor(() => first.invocations[1]);
    await r1.stop({ abandon: true });
    release();
    const second = scripted();
    await run(stream, second.handler, { batchSize: 3 }, { checkpoints: fileCheckpointStore(path) });
    await waitFor(() => second.invocations[0]);
    expect(second.invocations[0]!.payloads).toEqual(range(3, 3));
  });
});
