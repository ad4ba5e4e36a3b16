import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardLags } from '../../../local/console/shard-lag.ts';
import { type Emulators, startEmulators } from '../../../local/emulators/start.ts';
import type { ShardStats } from '../../../local/esm/shard-consumer.ts';
import { type Clients, createClients } from '../../../shared/adapters/clients.ts';
import { createTestStream, putRecords } from '../../helpers/local.ts';

let emulators: Emulators;
let clients: Clients;

beforeAll(async () => {
  emulators = await startEmulators();
  clients = createClients({ awsRegion: 'eu-west-1', endpoints: emulators.endpoints });
});
afterAll(() => emulators?.stop());

const stats = (checkpoint: string | undefined): ShardStats => ({
  shardId: 'shardId-000000000000',
  checkpoint,
  invocations: 0,
  failedInvocations: 0,
  recordsDelivered: 0,
  discarded: 0,
  buffered: 0,
  inFlight: false,
  caughtUp: false,
});

describe('shard lag (kinesalite)', () => {
  it('is the age of the first record after the checkpoint, and 0 once the checkpoint is at the tip', async () => {
    const stream = await createTestStream(clients.kinesis);
    const seqs = await putRecords(clients.kinesis, stream, ['a', 'b', 'c']);
    const later = () => Date.now() + 60_000;
    const [unread] = await shardLags(clients.kinesis, stream, [stats(undefined)], later);
    expect(unread!.lagMs).toBeGreaterThanOrEqual(60_000);
    expect(unread!.lagMs).toBeLessThan(120_000);
    const [partway] = await shardLags(clients.kinesis, stream, [stats(seqs[1])], later);
    expect(partway!.lagMs).toBeGreaterThanOrEqual(60_000);
    const [done] = await shardLags(clients.kinesis, stream, [stats(seqs[2])], later);
    expect(done!.lagMs).toBe(0);
  });

  it('is 0 for an empty shard and an empty list without a processor', async () => {
    const stream = await createTestStream(clients.kinesis);
    expect((await shardLags(clients.kinesis, stream, [stats(undefined)]))[0]!.lagMs).toBe(0);
    expect(await shardLags(clients.kinesis, stream, [])).toEqual([]);
  });
});
