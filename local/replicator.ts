import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AGGREGATE_TABLE_KEYS } from '../shared/resources.ts';

type Item = Record<string, AttributeValue>;

/**
 * When a write happened, as DynamoDB global tables order conflicting writes: the later time wins the whole item.
 * `seq` (one counter over all regions) breaks ties within a millisecond, so two writes never compare equal.
 */
export interface WriteStamp {
  t: number;
  seq: number;
  region: string;
}

/** One item-level change as it travels to the other replicas: the item's full image after the write, or a delete. */
export interface Change {
  from: string;
  key: Item;
  /** Undefined = the item was deleted (DeleteItem, or expired by TTL). */
  item: Item | undefined;
  stamp: WriteStamp;
}

export const lastWriterWins = (incoming: WriteStamp, current: WriteStamp | undefined): boolean =>
  current === undefined || incoming.t > current.t || (incoming.t === current.t && incoming.seq > current.seq);

export interface ReplicatorOptions {
  /** The global table: the only one replicated (regional stores on the same emulator stay where they are). */
  table: string;
  /** Key attributes of the table; default the aggregate table's (pk, sk). */
  keyAttributes?: readonly string[];
  /** Base replication delay per change and destination (default 1000 ms, as global tables typically lag ~1 s). */
  delayMs?: number;
  /** Uniform extra delay in [0, jitterMs) per change and destination (default 500 ms): changes may arrive out of order. */
  jitterMs?: number;
  /** Replaces delayMs/jitterMs (tests force a given order). */
  delay?: (change: Change, to: string) => number;
  /** Clock of each region's writes, epoch ms (tests skew one region's clock). */
  clock?: (region: string) => number;
  /** Conflict rule; default last writer wins. Anything else exists to prove the tests can see it break. */
  wins?: (incoming: WriteStamp, current: WriteStamp | undefined) => boolean;
  /** TTL attribute (epoch seconds), default `expiresAt`; expired items are deleted and the delete replicates. */
  ttlAttribute?: string;
  /** How often each region sweeps expired items (default 60 s; 0 = only when `sweepTtl()` is called). */
  ttlSweepMs?: number;
  random?: () => number;
  log?: (line: string) => void;
}

export interface ReplicatorStats {
  /** Changes written into a replica. */
  applied: number;
  /** Changes that arrived after a later write of the same item and were dropped (last writer wins). */
  superseded: number;
  /** Changes not yet applied (delayed, or held by a partition). */
  pending: number;
  /** Write-to-apply lag of the last applied change and the largest seen, ms. */
  lastLagMs: number;
  maxLagMs: number;
}

export interface Replicator {
  /**
   * Puts a write tap in front of one region's DynamoDB emulator and returns the endpoint that region's clients
   * use. Reads and other tables pass through untouched; writes to the global table are replicated.
   */
  attach(region: string, emulatorUrl: string): Promise<string>;
  /** Holds every change in its queue (a partition between all regions) until `resume`. */
  pause(): void;
  resume(): void;
  paused(): boolean;
  /** Resolves once every queued change is applied; rejects while paused with changes held. */
  settle(timeoutMs?: number): Promise<void>;
  /** Deletes the expired items of every region now (each delete replicates); returns how many. */
  sweepTtl(): Promise<number>;
  stats(): ReplicatorStats;
  /** Applies what is queued (unless paused: a partition at stop loses its changes) and closes the taps. */
  close(): Promise<void>;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';
const RETRY_MS = 250;

interface RegionTap {
  region: string;
  raw: DynamoDBClient;
  /** Write stamp of every item of the global table this replica has seen written (tombstones included). */
  stamps: Map<string, WriteStamp>;
  /** Serialises local writes and applied changes, so each change's image is exactly its own write's result. */
  lock: Promise<unknown>;
  lastT: number;
  server: ReturnType<typeof createServer>;
  timer?: NodeJS.Timeout;
}

interface Delivery {
  change: Change;
  to: string;
  dueAt: number;
  writtenAt: number;
  timer?: NodeJS.Timeout;
}

/** Keys of the global table's items a write request touches (the ones it wrote, for batch writes). */
function touchedKeys(
  op: string,
  body: Record<string, unknown>,
  table: string,
  keyOf: (i: Item) => Item,
): Item[] {
  if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem') {
    if (body.TableName !== table) return [];
    return [op === 'PutItem' ? keyOf(body.Item as Item) : (body.Key as Item)];
  }
  if (op === 'BatchWriteItem') {
    const writes = (body.RequestItems as Record<string, unknown[]> | undefined)?.[table] ?? [];
    return writes.map((w) => {
      const r = w as { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } };
      return r.PutRequest ? keyOf(r.PutRequest.Item) : r.DeleteRequest!.Key;
    });
  }
  return [];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

/**
 * A DynamoDB global table between the regions' emulators (dynalite has no streams and no replicas): every write
 * to the global table that goes through a region's tap is stamped with its write time and, after `delay`, its full
 * item image (or its delete) is written into every other replica unless that replica holds a later write of the
 * same item. That is what AWS does (aws-semantics.md: item-level, asynchronous, last writer wins), so two regions
 * ADD-ing to one item lose increments here as they would there. Not modelled: the replication of table settings,
 * the `aws:rep:*` attributes, and a write time of the service's clock (here the tap's, per region).
 */
export function createReplicator(options: ReplicatorOptions): Replicator {
  const { table } = options;
  const keyAttributes = options.keyAttributes ?? [
    AGGREGATE_TABLE_KEYS.partitionKey,
    AGGREGATE_TABLE_KEYS.sortKey,
  ];
  const ttlAttribute = options.ttlAttribute ?? AGGREGATE_TABLE_KEYS.ttlAttribute;
  const random = options.random ?? Math.random;
  const clock = options.clock ?? (() => Date.now());
  const wins = options.wins ?? lastWriterWins;
  const delayMs = options.delayMs ?? 1000;
  const jitterMs = options.jitterMs ?? 500;
  const delay = options.delay ?? (() => delayMs + Math.floor(random() * jitterMs));
  const log = options.log ?? (() => {});
  const taps = new Map<string, RegionTap>();
  const queue = new Set<Delivery>();
  const inFlight = new Set<Promise<void>>();
  const waiters: (() => void)[] = [];
  let isPaused = false;
  let closed = false;
  let closing = false;
  let seq = 0;
  const stats = { applied: 0, superseded: 0, lastLagMs: 0, maxLagMs: 0 };

  const keyOf = (item: Item): Item => Object.fromEntries(keyAttributes.map((k) => [k, item[k]!]));
  const keyId = (key: Item) => JSON.stringify(keyAttributes.map((k) => key[k]));

  const locked = <T>(tap: RegionTap, fn: () => Promise<T>): Promise<T> => {
    const run = tap.lock.then(fn, fn);
    tap.lock = run.catch(() => undefined);
    return run;
  };

  const stamp = (tap: RegionTap): WriteStamp => {
    tap.lastT = Math.max(tap.lastT, clock(tap.region));
    return { t: tap.lastT, seq: ++seq, region: tap.region };
  };

  const notify = () => {
    if (queue.size > 0 || inFlight.size > 0) return;
    for (const w of waiters.splice(0)) w();
  };

  const schedule = (d: Delivery) => {
    queue.add(d);
    if (isPaused || closed) return;
    d.timer = setTimeout(() => deliver(d), Math.max(0, d.dueAt - Date.now()));
    d.timer.unref();
  };

  const deliver = (d: Delivery) => {
    d.timer = undefined;
    if (isPaused) return;
    queue.delete(d);
    const run = apply(d).then(
      () => undefined,
      (err: unknown) => {
        if (closing) return; // stopping: a replica that is gone already gets nothing more
        // The replica is unreachable (emulator stopped): AWS keeps retrying, so do we.
        log(`replicator: ${d.to} unreachable (${(err as Error).message}); retrying`);
        d.dueAt = Date.now() + RETRY_MS;
        if (!closed) schedule(d);
      },
    );
    inFlight.add(run);
    void run.finally(() => {
      inFlight.delete(run);
      notify();
    });
  };

  const apply = async (d: Delivery) => {
    const tap = taps.get(d.to);
    if (!tap) return;
    const { change } = d;
    await locked(tap, async () => {
      const id = keyId(change.key);
      if (!wins(change.stamp, tap.stamps.get(id))) {
        stats.superseded++;
        return;
      }
      if (change.item) {
        await tap.raw.send(new PutItemCommand({ TableName: table, Item: change.item }));
      } else {
        await tap.raw.send(new DeleteItemCommand({ TableName: table, Key: change.key }));
      }
      tap.stamps.set(id, change.stamp);
      stats.applied++;
      stats.lastLagMs = Date.now() - d.writtenAt;
      stats.maxLagMs = Math.max(stats.maxLagMs, stats.lastLagMs);
    });
  };

  /** Records a local write of `keys` (already done) and sends their images to every other replica. */
  const publish = async (tap: RegionTap, keys: Item[], s: WriteStamp) => {
    const writtenAt = Date.now();
    for (const key of keys) {
      const got = await tap.raw.send(
        new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }),
      );
      tap.stamps.set(keyId(key), s);
      const change: Change = { from: tap.region, key, item: got.Item, stamp: s };
      for (const to of taps.keys()) {
        if (to === tap.region) continue;
        schedule({ change, to, dueAt: writtenAt + delay(change, to), writtenAt });
      }
    }
  };

  const forward = (
    target: URL,
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const up = request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
          agent: forwardAgent,
        },
        (res) => {
          readBody(res).then(
            (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
            reject,
          );
        },
      );
      up.on('error', reject);
      up.end(body);
    });
  const forwardAgent = new Agent({ keepAlive: true, maxSockets: 64 });

  const handle = async (tap: RegionTap, target: URL, req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const targetHeader = String(req.headers['x-amz-target'] ?? '');
    const op = targetHeader.startsWith(TARGET_PREFIX) ? targetHeader.slice(TARGET_PREFIX.length) : '';
    let keys: Item[] = [];
    let parsed: Record<string, unknown> = {};
    if (op === 'PutItem' || op === 'UpdateItem' || op === 'DeleteItem' || op === 'BatchWriteItem') {
      try {
        parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        keys = touchedKeys(op, parsed, table, keyOf);
      } catch {
        keys = []; // the emulator answers the malformed request itself
      }
    }
    if (op === 'TransactWriteItems')
      log('replicator: TransactWriteItems is not replicated (dynalite has none)');
    const answer =
      keys.length === 0
        ? await forward(target, req, body)
        : await locked(tap, async () => {
            const s = stamp(tap);
            const out = await forward(target, req, body);
            if (out.status === 200) {
              let written = keys;
              if (op === 'BatchWriteItem') {
                const unprocessed = (
                  JSON.parse(out.body.toString('utf8')) as { UnprocessedItems?: Record<string, unknown[]> }
                ).UnprocessedItems?.[table];
                if (unprocessed?.length) {
                  const skip = new Set(
                    touchedKeys(op, { RequestItems: { [table]: unprocessed } }, table, keyOf).map(keyId),
                  );
                  written = keys.filter((k) => !skip.has(keyId(k)));
                }
              }
              await publish(tap, written, s);
            }
            return out;
          });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const sweepRegion = async (tap: RegionTap): Promise<number> => {
    const now = Math.floor(clock(tap.region) / 1000);
    let deleted = 0;
    let start: Item | undefined;
    do {
      const page = await tap.raw.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: '#ttl < :now',
          ExpressionAttributeNames: { '#ttl': ttlAttribute },
          ExpressionAttributeValues: { ':now': { N: String(now) } },
          ...(start && { ExclusiveStartKey: start }),
        }),
      );
      for (const item of page.Items ?? []) {
        const key = keyOf(item);
        await locked(tap, async () => {
          const s = stamp(tap);
          await tap.raw.send(new DeleteItemCommand({ TableName: table, Key: key }));
          await publish(tap, [key], s);
        });
        deleted++;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return deleted;
  };

  return {
    async attach(region, emulatorUrl) {
      if (taps.has(region)) throw new Error(`region ${region} is attached already`);
      const target = new URL(emulatorUrl);
      const raw = new DynamoDBClient({
        region: 'local',
        endpoint: emulatorUrl,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }),
      });
      const server = createServer();
      const tap: RegionTap = { region, raw, stamps: new Map(), lock: Promise.resolve(), lastT: 0, server };
      server.on('request', (req, res) => {
        handle(tap, target, req, res).catch((err: unknown) => {
          log(`replicator: ${region} tap: ${(err as Error).message}`);
          if (!res.headersSent) res.writeHead(502);
          res.end();
        });
      });
      server.keepAliveTimeout = 60_000;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      taps.set(region, tap);
      const sweepMs = options.ttlSweepMs ?? 60_000;
      if (sweepMs > 0) {
        tap.timer = setInterval(() => {
          sweepRegion(tap).catch((err: unknown) =>
            log(`replicator: TTL sweep in ${region}: ${(err as Error).message}`),
          );
        }, sweepMs);
        tap.timer.unref();
      }
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    pause() {
      isPaused = true;
      for (const d of queue) {
        clearTimeout(d.timer);
        d.timer = undefined;
      }
    },
    resume() {
      isPaused = false;
      for (const d of [...queue]) {
        queue.delete(d);
        schedule(d);
      }
    },
    paused: () => isPaused,
    settle(timeoutMs = 30_000) {
      if (isPaused && queue.size > 0) {
        return Promise.reject(new Error(`replication is paused with ${queue.size} changes held`));
      }
      if (queue.size === 0 && inFlight.size === 0) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`replication did not settle within ${timeoutMs} ms (${queue.size} pending)`)),
          timeoutMs,
        );
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async sweepTtl() {
      let n = 0;
      for (const tap of taps.values()) n += await sweepRegion(tap);
      return n;
    },
    stats: () => ({ ...stats, pending: queue.size + inFlight.size }),
    async close() {
      closing = true;
      if (!isPaused) {
        for (const d of [...queue]) {
          clearTimeout(d.timer);
          deliver(d);
        }
        await Promise.allSettled([...inFlight]);
      }
      closed = true;
      for (const d of queue) clearTimeout(d.timer);
      queue.clear();
      for (const tap of taps.values()) {
        clearInterval(tap.timer);
        await new Promise<void>((resolve) => {
          tap.server.close(() => resolve());
          tap.server.closeAllConnections();
        });
        tap.raw.destroy();
      }
      forwardAgent.destroy();
      notify();
    },
  };
}
