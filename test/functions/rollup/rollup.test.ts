import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProcessApp } from '../../../functions/process/app.ts';
import { awsStores } from '../../../functions/process/wiring.ts';
import { createRollupApp } from '../../../functions/rollup/app.ts';
import { rollupStores } from '../../../functions/rollup/wiring.ts';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import { createDynamoAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import {
  createResources,
  envelopeEntries,
  kinesisEvent,
  LAMBDA_CONTEXT,
  processConfig,
  seqNo,
  sliceEvent,
  totals,
  withFaults,
} from '../../helpers/process.ts';

/**
 * The roll-up against the emulators: regional table (what the processor writes) → global table (what replicates).
 * Replays, crashes of the roll-up and late data re-roll a window as an overwrite: the global totals always equal
 * those of one clean run, and global writes follow windows, not batches.
 */
let emulators: Emulators;
let clients: Clients;
let n = 0;

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints, maxAttempts: 1 });
});
afterAll(async () => {
  await emulators?.stop();
});

const config = processConfig();
const key = new TextEncoder().encode('rollup-test-key');

async function pipeline() {
  const names = { bucket: `rollup-${++n}`, table: `state-${n}`, queue: `alerts-${n}` };
  const queueUrl = await createResources(clients, names);
  const global = `global-${n}`;
  await createResources(clients, { bucket: `g-${n}`, table: global, queue: `g-${n}` });
  const processor = createProcessApp({
    config,
    region: 'eu',
    ...awsStores(
      clients,
      { bucket: names.bucket, regionalTable: names.table, failureQueueUrl: queueUrl },
      'eu',
    ),
  });
  const stores = rollupStores(clients.dynamodb, 'eu', { regionalTable: names.table, globalTable: global });
  const rollup = (regional = stores.regional) =>
    createRollupApp({ config, region: 'eu', ...stores, regional, hmacKeys: { acme: key, globex: key } });
  return {
    processor,
    rollup,
    regional: stores.regional,
    globalTotals: () => totals(createDynamoAggregateStore(clients.dynamodb, global)),
    regionalTotals: () => totals(createDynamoAggregateStore(clients.dynamodb, names.table)),
  };
}

const BATCH = kinesisEvent(envelopeEntries(30, 6));
/** Later stream records (higher sequence numbers) whose records fall in the windows BATCH already filled. */
const LATE = kinesisEvent(
  envelopeEntries(10, 6, 30).map((e, i) => ({ ...e, sequenceNumber: seqNo(1000 + i) })),
).Records;

describe('roll-up to the global table', () => {
  it('one clean run: every count reaches the global table, one write per window, nothing dirty after', async () => {
    const p = await pipeline();
    await p.processor(BATCH, LAMBDA_CONTEXT);
    const drained = await p.rollup().drain();
    const global = await p.globalTotals();
    const regional = await p.regionalTotals();
    expect(global.count).toBe(135);
    expect(global.count).toBe(regional.count);
    expect(global.bytes).toBe(regional.bytes);
    expect(drained.windows).toBeGreaterThan(0);
    expect(drained.globalWrites).toBe(drained.windows);
    expect(await p.regional.dirty(10)).toEqual([]);
    expect(await p.rollup().drain()).toEqual({ windows: 0, globalWrites: 0 });
  });

  it('replayed 3×, split into 5 batches, with a roll-up crashing after its global write: totals of one clean run', async () => {
    const clean = await pipeline();
    await clean.processor(BATCH, LAMBDA_CONTEXT);
    const cleanDrain = await clean.rollup().drain();
    const expected = await clean.globalTotals();

    const p = await pipeline();
    const size = Math.ceil(BATCH.Records.length / 5);
    for (let replay = 0; replay < 3; replay++) {
      for (let i = 0; i < BATCH.Records.length; i += size)
        await p.processor(sliceEvent(BATCH, i, i + size), LAMBDA_CONTEXT);
    }
    // The roll-up dies between the global write and clearing the marks: the next run re-rolls those windows.
    const crashing = withFaults(p.regional, (method, call) => {
      if (method === 'clear' && call > 3) throw new Error('injected crash');
    });
    await expect(p.rollup(crashing).drain()).rejects.toThrow('injected crash');
    const after = await p.rollup().drain();
    expect(await p.globalTotals()).toEqual(expected);
    // 15 batches wrote each window; the global table got one write per window per drain that saw it dirty.
    expect(after.globalWrites).toBeLessThanOrEqual(cleanDrain.windows);
  });

  it('late data for rolled-up windows re-rolls them as an overwrite (no double counting)', async () => {
    const both = await pipeline();
    await both.processor({ Records: [...BATCH.Records, ...LATE] }, LAMBDA_CONTEXT);
    await both.rollup().drain();
    const expected = await both.globalTotals();

    const p = await pipeline();
    await p.processor(BATCH, LAMBDA_CONTEXT);
    await p.rollup().drain();
    await p.processor({ Records: LATE }, LAMBDA_CONTEXT);
    await p.rollup().drain();
    await p.rollup().drain();
    expect(await p.globalTotals()).toEqual(expected);
    expect((await p.globalTotals()).count).toBe((await p.regionalTotals()).count);
  });
});
