import { createRequire } from 'node:module';
import type { AddressInfo, Server } from 'node:net';
import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Change,
  createReplicator,
  type Replicator,
  type ReplicatorOptions,
} from '../../local/replicator.ts';

/**
 * The local global table: two dynalite replicas (eu, us) joined by the replicator. Clients write through each
 * region's tap, as the multi-region stack's functions do, and the assertions read the emulators directly.
 */

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (o: object) => Server;

const TABLE = 'sluice-aggregates';
const REGIONAL = 'sluice-regional';
const REGIONS = ['eu', 'us'] as const;
type Region = (typeof REGIONS)[number];

const client = (endpoint: string) =>
  new DynamoDBClient({
    region: 'local',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

let servers: Server[] = [];
let raw: Record<Region, DynamoDBClient>;
let emulatorUrls: Record<Region, string>;
let replicator: Replicator | undefined;

async function startDynalite(): Promise<string> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  const [eu, us] = await Promise.all([startDynalite(), startDynalite()]);
  emulatorUrls = { eu: eu!, us: us! };
  raw = { eu: client(eu!), us: client(us!) };
  for (const c of Object.values(raw)) {
    for (const name of [TABLE, REGIONAL]) {
      await c.send(
        new CreateTableCommand({
          TableName: name,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      );
    }
  }
});

afterEach(async () => {
  await replicator?.close();
  replicator = undefined;
  for (const c of Object.values(raw)) c.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});

/** A replicator over both emulators; returns the clients that write through each region's tap. */
async function replicate(options: Partial<ReplicatorOptions> = {}): Promise<Record<Region, DynamoDBClient>> {
  replicator = createReplicator({ table: TABLE, delayMs: 30, jitterMs: 120, ttlSweepMs: 0, ...options });
  const eu = await replicator.attach('eu', emulatorUrls.eu);
  const us = await replicator.attach('us', emulatorUrls.us);
  return { eu: client(eu), us: client(us) };
}

const key = (pk: string, sk = 'w') => ({ pk: { S: pk }, sk: { S: sk } });

const add = (c: DynamoDBClient, pk: string, n = 1, table = TABLE) =>
  c.send(
    new UpdateItemCommand({
      TableName: table,
      Key: key(pk),
      UpdateExpression: 'ADD #n :n',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':n': { N: String(n) } },
    }),
  );

async function items(region: Region, table = TABLE): Promise<Map<string, Record<string, AttributeValue>>> {
  const out = await raw[region].send(new ScanCommand({ TableName: table, ConsistentRead: true }));
  return new Map((out.Items ?? []).map((i) => [i.pk!.S!, i]));
}

const counts = async (region: Region) =>
  Object.fromEntries([...(await items(region))].map(([pk, i]) => [pk, Number(i.n?.N ?? 0)]));

/** Concurrent increments from both regions: `perRegion` per item, spread over a few requests at a time. */
async function incrementConcurrently(
  writers: Record<Region, DynamoDBClient>,
  pks: Record<Region, string[]>,
  perItem: number,
) {
  await Promise.all(
    REGIONS.flatMap((r) =>
      pks[r].map(async (pk) => {
        for (let i = 0; i < perItem; i += 5)
          await Promise.all(Array.from({ length: 5 }, () => add(writers[r], pk)));
      }),
    ),
  );
}

/**
 * The scenario of sluice's own items: each region increments only items under its `<region>#` prefix, both at
 * once, with jitter reordering the changes and a partition in the middle. Returns each replica's view.
 */
async function perRegionScenario(options: Partial<ReplicatorOptions> = {}) {
  const writers = await replicate(options);
  const pks = { eu: ['eu#acme#1', 'eu#acme#2'], us: ['us#globex#1', 'us#acme#1'] };
  await incrementConcurrently(writers, pks, 20);
  replicator!.pause();
  await incrementConcurrently(writers, pks, 20);
  // While partitioned each region sees its own items move and the other's frozen.
  const during = { eu: await counts('eu'), us: await counts('us') };
  replicator!.resume();
  await replicator!.settle();
  return { during, eu: await counts('eu'), us: await counts('us') };
}

/**
 * Delivers the i-th change at `t0 + baseMs - i * stepMs` (absolute): later changes arrive sooner, whatever the
 * machine's load spaces the writes by (as long as they all happen within `baseMs - n * stepMs`).
 */
function reversing(baseMs: number, stepMs = 2) {
  const t0 = Date.now();
  let i = 0;
  return () => Math.max(0, t0 + baseMs - stepMs * i++ - Date.now());
}

describe('global-table replicator', () => {
  it("keeps sluice's per-region items exact under concurrent writes, reordering and a partition", async () => {
    const { during, eu, us } = await perRegionScenario();
    const expected = { 'eu#acme#1': 40, 'eu#acme#2': 40, 'us#globex#1': 40, 'us#acme#1': 40 };
    expect(eu).toEqual(expected);
    expect(us).toEqual(expected);
    // Summing a tenant across regions (what `sluice query` does) gives the same total from either replica.
    const acme = (c: Record<string, number>) =>
      (c['eu#acme#1'] ?? 0) + (c['eu#acme#2'] ?? 0) + (c['us#acme#1'] ?? 0);
    expect(acme(eu)).toBe(120);
    expect(acme(us)).toBe(120);
    expect(during.eu['eu#acme#1']).toBe(40);
    expect(during.eu['us#globex#1']).toBeLessThanOrEqual(20);
    expect(replicator!.stats().superseded).toBeGreaterThan(0); // the jitter did reorder changes
  });

  it('loses increments on a naive shared item, as a real global table does', async () => {
    const writers = await replicate();
    await incrementConcurrently(writers, { eu: ['shared#acme'], us: ['shared#acme'] }, 40);
    await replicator!.settle();
    const eu = await counts('eu');
    const us = await counts('us');
    // The replicas converge (one writer's image won) but not to the 80 increments that were acknowledged.
    expect(eu).toEqual(us);
    expect(eu['shared#acme']).toBeLessThan(80);
  });

  it('applies the later write when changes arrive out of order, and converges on concurrent conflicting writes', async () => {
    // Each change of eu's item is delivered before the one before it: us receives them newest first.
    const writers = await replicate({ delay: reversing(1500, 100) });
    for (let v = 1; v <= 4; v++) {
      await writers.eu.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...key('eu#x'), v: { N: String(v) } } }),
      );
    }
    await replicator!.settle();
    expect((await items('us')).get('eu#x')?.v).toEqual({ N: '4' });
    expect(replicator!.stats().superseded).toBe(3);

    // Both regions write the same item before either change arrives: both replicas end with the later one.
    await writers.eu.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('both'), v: { S: 'eu' } } }));
    await new Promise((r) => setTimeout(r, 5));
    await writers.us.send(new PutItemCommand({ TableName: TABLE, Item: { ...key('both'), v: { S: 'us' } } }));
    await replicator!.settle();
    for (const r of REGIONS) expect((await items(r)).get('both')?.v).toEqual({ S: 'us' });
  });

  it('is what keeps the replicas right: arrival order instead of last writer wins fails the same scenarios', async () => {
    // Later changes are delivered sooner (delays shrink as the run goes on): the newest image of an item arrives
    // first, the oldest last. Last writer wins keeps the newest; arrival order keeps whatever came last.
    const right = { 'eu#acme#1': 40, 'eu#acme#2': 40, 'us#globex#1': 40, 'us#acme#1': 40 };
    const lww = await perRegionScenario({ delay: reversing(8000) });
    expect(lww.us).toEqual(right);
    expect(lww.eu).toEqual(right);
    await replicator!.close();
    replicator = undefined;
    for (const r of REGIONS) {
      for (const pk of Object.keys(right))
        await raw[r].send(new DeleteItemCommand({ TableName: TABLE, Key: key(pk) }));
    }

    const broken = await perRegionScenario({ delay: reversing(8000), wins: () => true });
    expect(broken.eu['eu#acme#1']).toBe(40); // a region's own items are right: nobody else writes them
    expect(broken.us['eu#acme#1']).toBeLessThan(40); // its replica elsewhere went back to an older image
    expect(broken.eu['us#globex#1']).toBeLessThan(40);
  });

  it('replicates deletes, keeps an older write from resurrecting a deleted item, and sweeps TTL', async () => {
    const order: string[] = [];
    // us's put is slow to reach eu; eu deletes the item after it: the delete is the later write everywhere.
    const writers = await replicate({
      delay: (c: Change) => {
        order.push(c.from);
        return c.from === 'us' ? 300 : 20;
      },
    });
    await writers.us.send(
      new PutItemCommand({ TableName: TABLE, Item: { ...key('us#gone'), v: { N: '1' } } }),
    );
    await new Promise((r) => setTimeout(r, 20));
    await writers.eu.send(new DeleteItemCommand({ TableName: TABLE, Key: key('us#gone') }));
    await replicator!.settle();
    expect((await items('eu')).has('us#gone')).toBe(false);
    expect((await items('us')).has('us#gone')).toBe(false);

    const past = Math.floor(Date.now() / 1000) - 10;
    const future = past + 3600;
    await writers.eu.send(
      new PutItemCommand({ TableName: TABLE, Item: { ...key('eu#old'), expiresAt: { N: String(past) } } }),
    );
    await writers.eu.send(
      new PutItemCommand({ TableName: TABLE, Item: { ...key('eu#new'), expiresAt: { N: String(future) } } }),
    );
    await replicator!.settle();
    expect((await items('us')).has('eu#old')).toBe(true);
    expect(await replicator!.sweepTtl()).toBe(2); // the expired item, once in each replica
    await replicator!.settle();
    for (const r of REGIONS) expect([...(await items(r)).keys()]).toEqual(['eu#new']);
  });

  it('never replicates another table on the same emulator (the regional store)', async () => {
    const writers = await replicate();
    await add(writers.eu, 'eu#acme#1', 5, REGIONAL);
    await add(writers.eu, 'eu#acme#1', 5);
    await replicator!.settle();
    expect((await items('us', REGIONAL)).size).toBe(0);
    expect((await items('us')).get('eu#acme#1')?.n).toEqual({ N: '5' });
    // Reads through the tap see the replica's own data.
    const got = await writers.us.send(new GetItemCommand({ TableName: TABLE, Key: key('eu#acme#1') }));
    expect(got.Item?.n).toEqual({ N: '5' });
  });

  it('holds changes during a partition and reports them pending', async () => {
    const writers = await replicate();
    replicator!.pause();
    await add(writers.eu, 'eu#p', 3);
    await new Promise((r) => setTimeout(r, 300));
    expect((await items('us')).size).toBe(0);
    expect(replicator!.stats().pending).toBe(1);
    await expect(replicator!.settle()).rejects.toThrow(/paused with 1 changes held/);
    replicator!.resume();
    await replicator!.settle();
    expect((await items('us')).get('eu#p')?.n).toEqual({ N: '3' });
    expect(replicator!.stats().maxLagMs).toBeGreaterThanOrEqual(300);
  });
});
