import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamEvent } from 'aws-lambda';

let streams = 0;

/** A fresh single-purpose stream (kinesalite creates it at once: createStreamMs 0). */
export async function createTestStream(kinesis: KinesisClient, shards = 1): Promise<string> {
  const name = `esm-test-${process.pid}-${++streams}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitFor(async () => {
    const d = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return d.StreamDescriptionSummary?.StreamStatus === 'ACTIVE' || undefined;
  });
  return name;
}

export async function createTestQueue(sqs: SQSClient): Promise<string> {
  const out = await sqs.send(
    new CreateQueueCommand({ QueueName: `esm-failures-${process.pid}-${++streams}` }),
  );
  return out.QueueUrl!;
}

/** Puts `payloads` in order, one PutRecords call per 500 records or 4 MB, all under one partition key unless `key(i)` says. */
export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  payloads: (string | Uint8Array)[],
  key: (i: number) => string = () => 'k',
): Promise<string[]> {
  const seqs: string[] = [];
  for (let i = 0; i < payloads.length; ) {
    let n = 0;
    let bytes = 0;
    while (i + n < payloads.length && n < 500 && bytes + payloads[i + n]!.length <= 4_000_000) {
      bytes += payloads[i + n]!.length;
      n++;
    }
    const chunk = payloads.slice(i, i + n);
    const out = await kinesis.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: chunk.map((p, j) => ({
          Data: typeof p === 'string' ? Buffer.from(p) : p,
          PartitionKey: key(i + j),
        })),
      }),
    );
    if (out.FailedRecordCount) throw new Error(`${out.FailedRecordCount} records failed`);
    seqs.push(...out.Records!.map((r) => r.SequenceNumber!));
    i += n;
  }
  return seqs;
}

export async function receiveAll(sqs: SQSClient, queueUrl: string): Promise<unknown[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
  );
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!));
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `fn()`, or a rejection naming `what` once `ms` have passed (a hung probe or child cannot eat the test's timeout). */
export async function within<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([fn(), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The decoded payloads of an event, in order. */
export function payloads(event: KinesisStreamEvent): string[] {
  return event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString());
}

/** Letters-only unique token (`tid-bcd`): no detector mistakes it for a phone number or a card. */
export function tid(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `tid-${s}`;
}

const TID = /tid-[a-z]+/g;

/** How many times each token occurs over all stored lines (a line holds one record, one token). */
export function countTokens(lines: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const m of new Set(line.match(TID) ?? [])) counts.set(m, (counts.get(m) ?? 0) + 1);
  }
  return counts;
}
