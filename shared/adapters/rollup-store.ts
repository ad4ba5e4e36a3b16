import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { SafeWindow } from '../aggregate/safe/rollup.ts';
import type { CountAggregate, PatternAggregate } from '../aggregate/types.ts';
import { countEntry, partitionKey, patternEntry } from '../process/aggregate-items.ts';
import { AGGREGATE_TABLE_KEYS } from '../resources.ts';
import { toAggregates, UPDATES_ATTR } from './aggregate-store.ts';
import { writeError } from './aws-errors.ts';

/**
 * The two tiers' meeting point (docs/residency.md). The processor marks each (tenant, window) it wrote to the
 * regional table as dirty; the roll-up reads a dirty window's regional items, computes what may replicate, and
 * overwrites that window's one item in the global table, versioned, then clears the mark unless it was marked again.
 */

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = AGGREGATE_TABLE_KEYS;
const pad13 = (ms: number) => String(ms).padStart(13, '0');

export interface WindowRef {
  tenant: string;
  windowStart: number;
  windowSeconds: number;
  /** TTL of the mark (epoch seconds): the window's own. */
  expiresAt: number;
}

export interface DirtyWindow extends WindowRef {
  /** Times marked: the mark is cleared only if nobody marked it since it was read. */
  marks: number;
}

/** The processor's side: one UpdateItem per (tenant, window) of a batch, after its aggregate updates. */
export interface DirtyWindows {
  mark(windows: readonly WindowRef[]): Promise<void>;
}

export interface RegionalWindow {
  counts: CountAggregate[];
  patterns: PatternAggregate[];
  /** Sum of the items' update counters: grows with every update of the window (UPDATES_ATTR). */
  version: number;
}

/** The roll-up's side of the regional table. */
export interface RegionalRollupSource {
  dirty(limit: number): Promise<DirtyWindow[]>;
  window(w: WindowRef): Promise<RegionalWindow>;
  /** Clears the mark unless it was marked again since `dirty` read it (then the window is rolled up again). */
  clear(w: DirtyWindow): Promise<void>;
}

/** The roll-up's side of the global table. */
export interface GlobalAggregateSink {
  /** Overwrites the window's item unless the table holds this version or a newer one already (`stale`). */
  publish(item: GlobalItem): Promise<'written' | 'stale'>;
}

type Scalar = string | number;
export type GlobalItem = Record<string, Scalar>;

/** pk of the dirty marks in the regional table: one partition per region, a handful of writes per batch. */
export const dirtyPartition = (region: string) => `dirty#${region}`;
const dirtySort = (w: Pick<WindowRef, 'tenant' | 'windowStart'>) => `${w.tenant}#${pad13(w.windowStart)}`;

/**
 * The one item of a (tenant, region, window) in the global table, in the layout `AggregateReader.read` sums:
 * `c.<id>.*` count entries and `p.<id>.*` pattern entries, no examples, no sketches, no high-water marks.
 */
export function globalItemOf(region: string, w: WindowRef, safe: SafeWindow, version: number): GlobalItem {
  const item: GlobalItem = {
    [PK]: partitionKey(region, w.tenant, w.windowStart),
    [SK]: `r#${pad13(w.windowStart)}`,
    tenant: w.tenant,
    region,
    windowStart: w.windowStart,
    windowSeconds: w.windowSeconds,
    [TTL]: w.expiresAt,
    v: version,
  };
  for (const c of safe.counts) {
    const { id } = countEntry(c);
    item[`c.${id}.n`] = c.count;
    item[`c.${id}.b`] = c.bytes;
    item[`c.${id}.k`] = JSON.stringify([c.service, c.level, c.dims]);
    for (const [field, s] of Object.entries(c.stats)) {
      for (const part of ['count', 'sum', 'min', 'max'] as const)
        item[`c.${id}.s.${field}.${part}`] = s[part];
    }
  }
  for (const p of safe.patterns) {
    const { id } = patternEntry(p);
    item[`p.${id}.n`] = p.count;
    item[`p.${id}.k`] = JSON.stringify([p.service, p.template]);
  }
  return item;
}

const marshal = (v: Scalar): AttributeValue => (typeof v === 'string' ? { S: v } : { N: String(v) });
function unmarshal(item: Record<string, AttributeValue>): Record<string, Scalar | undefined> {
  const out: Record<string, Scalar | undefined> = {};
  for (const [k, v] of Object.entries(item)) {
    if (v.S !== undefined) out[k] = v.S;
    else if (v.N !== undefined) out[k] = Number(v.N);
  }
  return out;
}

async function queryAll(
  client: DynamoDBClient,
  input: ConstructorParameters<typeof QueryCommand>[0],
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, Scalar | undefined>[]> {
  const out: Record<string, Scalar | undefined>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    let res: { Items?: Record<string, AttributeValue>[]; LastEvaluatedKey?: Record<string, AttributeValue> };
    try {
      res = await client.send(new QueryCommand({ ...input, ConsistentRead: true, ExclusiveStartKey: start }));
    } catch (err) {
      throw writeError('dynamodb', 'Query', err);
    }
    for (const raw of res.Items ?? []) out.push(unmarshal(raw));
    start = res.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out;
}

export function createDynamoDirtyWindows(
  client: DynamoDBClient,
  table: string,
  region: string,
): DirtyWindows {
  return {
    async mark(windows) {
      await Promise.all(
        windows.map(async (w) => {
          try {
            await client.send(
              new UpdateItemCommand({
                TableName: table,
                Key: { [PK]: { S: dirtyPartition(region) }, [SK]: { S: dirtySort(w) } },
                UpdateExpression: 'ADD marks :one SET tenant=:t, windowStart=:w, windowSeconds=:s, #ttl=:e',
                ExpressionAttributeNames: { '#ttl': TTL },
                ExpressionAttributeValues: {
                  ':one': { N: '1' },
                  ':t': { S: w.tenant },
                  ':w': { N: String(w.windowStart) },
                  ':s': { N: String(w.windowSeconds) },
                  ':e': { N: String(w.expiresAt) },
                },
              }),
            );
          } catch (err) {
            throw writeError('dynamodb', 'UpdateItem (dirty mark)', err);
          }
        }),
      );
    },
  };
}

export function createDynamoRollupSource(
  client: DynamoDBClient,
  table: string,
  region: string,
): RegionalRollupSource {
  return {
    async dirty(limit) {
      const items = await queryAll(
        client,
        {
          TableName: table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': { S: dirtyPartition(region) } },
          Limit: limit,
        },
        limit,
      );
      return items.slice(0, limit).map((i) => ({
        tenant: String(i.tenant),
        windowStart: Number(i.windowStart),
        windowSeconds: Number(i.windowSeconds),
        expiresAt: Number(i[TTL]),
        marks: Number(i.marks),
      }));
    },

    async window(w) {
      const counts: CountAggregate[] = [];
      const patterns: PatternAggregate[] = [];
      let version = 0;
      for (const kind of ['c', 'p']) {
        const items = await queryAll(client, {
          TableName: table,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :sk)',
          ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
          ExpressionAttributeValues: {
            ':pk': { S: partitionKey(region, w.tenant, w.windowStart) },
            ':sk': { S: `${kind}#${pad13(w.windowStart)}#` },
          },
        });
        for (const item of items) {
          const a = toAggregates(item);
          counts.push(...a.counts);
          patterns.push(...a.patterns);
          version += Number(item[UPDATES_ATTR] ?? 0);
        }
      }
      return { counts, patterns, version };
    },

    async clear(w) {
      try {
        await client.send(
          new DeleteItemCommand({
            TableName: table,
            Key: { [PK]: { S: dirtyPartition(region) }, [SK]: { S: dirtySort(w) } },
            ConditionExpression: 'marks = :m',
            ExpressionAttributeValues: { ':m': { N: String(w.marks) } },
          }),
        );
      } catch (err) {
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return;
        throw writeError('dynamodb', 'DeleteItem (dirty mark)', err);
      }
    },
  };
}

export function createDynamoGlobalSink(client: DynamoDBClient, table: string): GlobalAggregateSink {
  return {
    async publish(item) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: table,
            Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, marshal(v)])),
            ConditionExpression: 'attribute_not_exists(#pk) OR #v < :v',
            ExpressionAttributeNames: { '#pk': PK, '#v': 'v' },
            ExpressionAttributeValues: { ':v': { N: String(item.v) } },
          }),
        );
        return 'written';
      } catch (err) {
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'stale';
        throw writeError('dynamodb', 'PutItem (roll-up)', err);
      }
    },
  };
}
