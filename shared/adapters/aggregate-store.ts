import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mergeSketch } from '../aggregate/safe/distinct.ts';
import type { CountAggregate, PatternAggregate, Stat } from '../aggregate/types.ts';
import type { AggregateItem, ItemKey } from '../process/aggregate-items.ts';
import { itemId, partitionKey } from '../process/aggregate-items.ts';
import { WriteError } from '../process/errors.ts';
import type { Guard, ItemState } from '../process/guard.ts';
import type { Level } from '../record/level.ts';
import { AGGREGATE_TABLE_KEYS } from '../resources.ts';
import { writeError } from './aws-errors.ts';

export type ApplyResult = 'applied' | 'conflict' | 'too-large';

export interface AggregateStore {
  /** Strongly consistent read of the items' states for `shardId`; missing items are absent from the map. */
  readStates(keys: readonly ItemKey[], shardId: string): Promise<Map<string, ItemState>>;
  /**
   * One conditional UpdateItem: ADD counters, SET hw and descriptive fields, lower min / raise max / replace the
   * example only where `state` says this contribution wins. `conflict` when the guard or a min/max condition no
   * longer holds (another writer got there first): re-read and try again. `too-large` when the update would
   * exceed DynamoDB's expression limits (nothing was written): apply a shorter prefix of the batch first.
   * `guard` undefined = no idempotency.
   */
  apply(item: AggregateItem, state: ItemState | undefined, guard: Guard | undefined): Promise<ApplyResult>;
}

export interface AggregateQuery {
  region: string;
  tenant: string;
  /** Epoch ms, inclusive (window starts). */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

export interface AggregateReader {
  read(q: AggregateQuery): Promise<{ counts: CountAggregate[]; patterns: PatternAggregate[] }>;
}

// ---- item layout -------------------------------------------------------------------------------------------------

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = AGGREGATE_TABLE_KEYS;
/**
 * Top-level attributes (an update cannot create a path inside a map that does not exist yet). Entry ids contain
 * no `.`, stat field names may: `c.<id>.s.<field>.<part>` splits at the first `.` after the id and the last one.
 */
const hwAttr = (shardId: string) => `hw.${shardId}`;
const countAttr = (id: string, part: 'n' | 'b' | 'k') => `c.${id}.${part}`;
const statAttr = (id: string, field: string, part: keyof Stat) => `c.${id}.s.${field}.${part}`;
const patternAttr = (id: string, part: 'n' | 'k' | 'e' | 'd') => `p.${id}.${part}`;
/**
 * Updates applied to the item so far: the roll-up's version of a window is the sum over its items, which only grows
 * as the regional state does (an equal sum = the same state), so a stale roll-up can never overwrite a newer one.
 */
export const UPDATES_ATTR = 'u';

type Scalar = string | number;

/**
 * The store-neutral form of one update; both implementations execute it with the same semantics. Only the guard
 * is conditional: an item has one writer (its shard), so min, max and examples computed from the state read are
 * final unless the guard fails.
 */
export interface UpdatePlan {
  add: Record<string, number>;
  set: Record<string, Scalar>;
  guard?: { attr: string; expected: string | undefined; next: string };
}

export function planUpdate(
  item: AggregateItem,
  state: ItemState | undefined,
  guard: Guard | undefined,
): UpdatePlan {
  const plan: UpdatePlan = { add: {}, set: {} };
  const current = state?.current ?? {};
  const once = (attr: string, v: string) => {
    if (current[attr] === undefined) plan.set[attr] = v;
  };
  const lower = (attr: string, v: number | string) => {
    const c = current[attr];
    if (c === undefined || v < c) plan.set[attr] = v;
  };
  if (state === undefined) {
    plan.set.tenant = item.tenant;
    plan.set.region = item.region;
    plan.set.windowStart = item.windowStart;
    plan.set.windowSeconds = item.windowSeconds;
    plan.set[TTL] = item.expiresAt;
  }
  for (const [id, c] of item.entries.counts) {
    plan.add[countAttr(id, 'n')] = c.count;
    plan.add[countAttr(id, 'b')] = c.bytes;
    once(countAttr(id, 'k'), JSON.stringify([c.service, c.level, c.dims]));
    for (const [field, s] of Object.entries(c.stats)) {
      plan.add[statAttr(id, field, 'count')] = s.count;
      plan.add[statAttr(id, field, 'sum')] = s.sum;
      lower(statAttr(id, field, 'min'), s.min);
      const max = current[statAttr(id, field, 'max')];
      if (typeof max !== 'number' || s.max > max) plan.set[statAttr(id, field, 'max')] = s.max;
    }
  }
  for (const [id, p] of item.entries.patterns) {
    plan.add[patternAttr(id, 'n')] = p.count;
    once(patternAttr(id, 'k'), JSON.stringify([p.service, p.template]));
    lower(patternAttr(id, 'e'), p.example);
    if (p.distinct && p.distinct.length > 0) {
      // The sketch is a bounded union (safe/distinct.ts): re-applying a contribution leaves it as it is.
      const before = current[patternAttr(id, 'd')];
      const prev = typeof before === 'string' && before !== '' ? before.split(',') : [];
      const next = mergeSketch(prev, p.distinct).join(',');
      if (next !== before) plan.set[patternAttr(id, 'd')] = next;
    }
  }
  plan.add[UPDATES_ATTR] = 1;
  if (guard) plan.guard = { attr: hwAttr(guard.shardId), expected: guard.expected, next: guard.next };
  return plan;
}

function stateOf(item: Record<string, Scalar | undefined>, shardId: string): ItemState {
  const state: ItemState = { current: {} };
  const hw = item[hwAttr(shardId)];
  if (typeof hw === 'string') state.hw = hw;
  for (const [name, v] of Object.entries(item)) {
    if (v === undefined || name[1] !== '.') continue;
    if (/\.(min|max|e|k|d)$/.test(name)) state.current[name] = v;
  }
  return state;
}

/** Every entry of an item, as aggregates (what readers sum; the roll-up reads the sketches too). */
export function toAggregates(item: Record<string, Scalar | undefined>): {
  counts: CountAggregate[];
  patterns: PatternAggregate[];
} {
  const tenant = String(item.tenant);
  const region = String(item.region);
  const windowStart = Number(item.windowStart);
  const counts = new Map<string, CountAggregate>();
  const patterns = new Map<string, PatternAggregate>();
  const count = (id: string) => {
    let c = counts.get(id);
    if (!c) {
      c = {
        tenant,
        region,
        windowStart,
        service: '',
        level: 'info',
        dims: {},
        count: 0,
        bytes: 0,
        stats: {},
      };
      counts.set(id, c);
    }
    return c;
  };
  const pattern = (id: string) => {
    let p = patterns.get(id);
    if (!p) {
      p = { tenant, region, windowStart, service: '', template: '', count: 0, example: '' };
      patterns.set(id, p);
    }
    return p;
  };
  for (const [name, v] of Object.entries(item)) {
    const dot = name.indexOf('.', 2);
    if (v === undefined || dot < 0 || name[1] !== '.') continue;
    const id = name.slice(2, dot);
    const part = name.slice(dot + 1);
    if (name[0] === 'c') {
      const c = count(id);
      if (part === 'n') c.count = Number(v);
      else if (part === 'b') c.bytes = Number(v);
      else if (part === 'k')
        [c.service, c.level, c.dims] = JSON.parse(String(v)) as [string, Level, Record<string, string>];
      else if (part.startsWith('s.')) {
        const last = part.lastIndexOf('.');
        const field = part.slice(2, last);
        c.stats[field] ??= { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
        c.stats[field][part.slice(last + 1) as keyof Stat] = Number(v);
      }
    } else if (name[0] === 'p') {
      const p = pattern(id);
      if (part === 'n') p.count = Number(v);
      else if (part === 'e') p.example = String(v);
      else if (part === 'd') p.distinct = String(v).split(',').filter(Boolean);
      else if (part === 'k') [p.service, p.template] = JSON.parse(String(v)) as [string, string];
    }
  }
  return { counts: [...counts.values()], patterns: [...patterns.values()] };
}

/**
 * DynamoDB's expressions are at most 4 KB each
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-expression-parameters).
 * A plan over the limit is refused before any call (`too-large`) and the caller applies the batch in record
 * prefixes instead.
 */
export const MAX_EXPRESSION_BYTES = 4096;

export interface UpdateExpression {
  update: string;
  condition: string | undefined;
  names: Record<string, string>;
  values: Record<string, Scalar>;
}

/** The UpdateItem expressions of a plan; the memory store builds them too, to refuse exactly what DynamoDB would. */
export function expressionOf(plan: UpdatePlan): UpdateExpression {
  const names: Record<string, string> = {};
  const values: Record<string, Scalar> = {};
  let n = 0;
  const name = (attr: string) => {
    const k = `#${(n++).toString(36)}`;
    names[k] = attr;
    return k;
  };
  const value = (v: Scalar) => {
    const k = `:${(n++).toString(36)}`;
    values[k] = v;
    return k;
  };
  const sets: string[] = [];
  const adds: string[] = [];
  let condition: string | undefined;
  for (const [attr, v] of Object.entries(plan.add)) adds.push(`${name(attr)} ${value(v)}`);
  for (const [attr, v] of Object.entries(plan.set)) sets.push(`${name(attr)}=${value(v)}`);
  if (plan.guard) {
    const a = name(plan.guard.attr);
    sets.push(`${a}=${value(plan.guard.next)}`);
    condition =
      plan.guard.expected === undefined ? `attribute_not_exists(${a})` : `${a}=${value(plan.guard.expected)}`;
  }
  const clauses = [sets.length > 0 && `SET ${sets.join(',')}`, adds.length > 0 && `ADD ${adds.join(',')}`];
  return { update: clauses.filter(Boolean).join(' '), condition, names, values };
}

const fits = (e: UpdateExpression): boolean =>
  e.update.length <= MAX_EXPRESSION_BYTES && (e.condition?.length ?? 0) <= MAX_EXPRESSION_BYTES;

/** Adds the entries of an item whose window lies in the query's range. */
function collect(
  item: Record<string, Scalar | undefined>,
  q: AggregateQuery,
  counts: CountAggregate[],
  patterns: PatternAggregate[],
): void {
  const w = Number(item.windowStart);
  if (!(w >= q.from && w < q.to)) return;
  const a = toAggregates(item);
  counts.push(...a.counts);
  patterns.push(...a.patterns);
}

/** Every UTC day whose pk may hold windows in [from, to). */
export function daysBetween(from: number, to: number): number[] {
  const days: number[] = [];
  const DAY = 86_400_000;
  for (let d = Math.floor(from / DAY) * DAY; d < to; d += DAY) days.push(d);
  return days;
}

// ---- DynamoDB ----------------------------------------------------------------------------------------------------

function marshal(v: Scalar): AttributeValue {
  if (typeof v === 'string') return { S: v };
  return { N: String(v) };
}

function unmarshal(item: Record<string, AttributeValue>): Record<string, Scalar | undefined> {
  const out: Record<string, Scalar | undefined> = {};
  for (const [k, v] of Object.entries(item)) {
    if (v.S !== undefined) out[k] = v.S;
    else if (v.N !== undefined) out[k] = Number(v.N);
  }
  return out;
}

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET = 100;

export function createDynamoAggregateStore(
  client: DynamoDBClient,
  tableName: string,
): AggregateStore & AggregateReader {
  return {
    async readStates(keys, shardId) {
      const states = new Map<string, ItemState>();
      for (let i = 0; i < keys.length; i += BATCH_GET) {
        let request: Record<string, AttributeValue>[] | undefined = keys
          .slice(i, i + BATCH_GET)
          .map((k) => ({ [PK]: { S: k.pk }, [SK]: { S: k.sk } }));
        for (let round = 0; request && request.length > 0; round++) {
          if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** round)));
          if (round > 8)
            throw new WriteError('dynamodb', 'BatchGetItem left keys unprocessed', { retryable: true });
          let res: BatchGetItemCommandOutput;
          try {
            res = await client.send(
              new BatchGetItemCommand({
                RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } },
              }),
            );
          } catch (err) {
            throw writeError('dynamodb', 'BatchGetItem', err);
          }
          for (const raw of res.Responses?.[tableName] ?? []) {
            const item = unmarshal(raw);
            states.set(itemId({ pk: String(item[PK]), sk: String(item[SK]) }), stateOf(item, shardId));
          }
          request = res.UnprocessedKeys?.[tableName]?.Keys;
        }
      }
      return states;
    },

    async apply(item, state, guard) {
      const e = expressionOf(planUpdate(item, state, guard));
      if (!fits(e)) return 'too-large';
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [PK]: { S: item.pk }, [SK]: { S: item.sk } },
            UpdateExpression: e.update,
            ...(e.condition && { ConditionExpression: e.condition }),
            ExpressionAttributeNames: e.names,
            ExpressionAttributeValues: Object.fromEntries(
              Object.entries(e.values).map(([k, v]) => [k, marshal(v)]),
            ),
          }),
        );
        return 'applied';
      } catch (err) {
        if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return 'conflict';
        throw writeError('dynamodb', 'UpdateItem', err);
      }
    },

    async read(q) {
      const counts: CountAggregate[] = [];
      const patterns: PatternAggregate[] = [];
      for (const day of daysBetween(q.from, q.to)) {
        let start: Record<string, AttributeValue> | undefined;
        do {
          let res: {
            Items?: Record<string, AttributeValue>[];
            LastEvaluatedKey?: Record<string, AttributeValue>;
          };
          try {
            res = await client.send(
              new QueryCommand({
                TableName: tableName,
                KeyConditionExpression: '#pk = :pk',
                ExpressionAttributeNames: { '#pk': PK },
                ExpressionAttributeValues: { ':pk': { S: partitionKey(q.region, q.tenant, day) } },
                ExclusiveStartKey: start,
              }),
            );
          } catch (err) {
            throw writeError('dynamodb', 'Query', err);
          }
          for (const raw of res.Items ?? []) collect(unmarshal(raw), q, counts, patterns);
          start = res.LastEvaluatedKey;
        } while (start);
      }
      return { counts, patterns };
    },
  };
}

// ---- in memory ---------------------------------------------------------------------------------------------------

/** Same semantics as the DynamoDB store (conditions included), in process: benchmark and pure tests. */
export interface MemoryAggregateStore extends AggregateStore, AggregateReader {
  readonly items: Map<string, Record<string, Scalar | undefined>>;
  /** UpdateItem calls issued (applied or conflicting: both cost a write). */
  readonly writes: number;
  /**
   * Write request units those calls would consume on DynamoDB: 1 per started KB of the larger of the item before
   * and after the update (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
   */
  readonly writeUnits: number;
}

/** DynamoDB's item size: attribute names plus values (UTF-8 strings; numbers ≈ 1 byte per 2 digits + 1). */
function itemBytes(item: Record<string, Scalar | undefined>): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) {
    if (v === undefined) continue;
    n +=
      Buffer.byteLength(k) +
      (typeof v === 'string' ? Buffer.byteLength(v) : Math.ceil(String(v).length / 2) + 1);
  }
  return n;
}

export function createMemoryAggregateStore(): MemoryAggregateStore {
  const items = new Map<string, Record<string, Scalar | undefined>>();
  let writes = 0;
  let writeUnits = 0;
  return {
    items,
    get writes() {
      return writes;
    },
    get writeUnits() {
      return writeUnits;
    },
    async readStates(keys, shardId) {
      const out = new Map<string, ItemState>();
      for (const k of keys) {
        const item = items.get(itemId(k));
        if (item) out.set(itemId(k), stateOf(item, shardId));
      }
      return out;
    },
    async apply(item, state, guard) {
      const plan = planUpdate(item, state, guard);
      if (!fits(expressionOf(plan))) return 'too-large';
      writes++;
      const id = itemId(item);
      const cur = items.get(id) ?? { [PK]: item.pk, [SK]: item.sk };
      if (plan.guard && cur[plan.guard.attr] !== plan.guard.expected) {
        writeUnits += Math.max(1, Math.ceil(itemBytes(cur) / 1024));
        return 'conflict';
      }
      const next = { ...cur, ...plan.set };
      for (const [attr, v] of Object.entries(plan.add)) next[attr] = Number(cur[attr] ?? 0) + v;
      if (plan.guard) next[plan.guard.attr] = plan.guard.next;
      writeUnits += Math.max(1, Math.ceil(Math.max(itemBytes(cur), itemBytes(next)) / 1024));
      items.set(id, next);
      return 'applied';
    },
    async read(q) {
      const counts: CountAggregate[] = [];
      const patterns: PatternAggregate[] = [];
      const pks = new Set(daysBetween(q.from, q.to).map((d) => partitionKey(q.region, q.tenant, d)));
      for (const item of items.values()) if (pks.has(String(item[PK]))) collect(item, q, counts, patterns);
      return { counts, patterns };
    },
  };
}
