import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { CountAggregate, PatternAggregate, Stat } from '../aggregate/types.ts';
import type { AggregateItem, ItemKey } from '../process/aggregate-items.ts';
import { itemId, partitionKey } from '../process/aggregate-items.ts';
import { RetryableWriteError } from '../process/errors.ts';
import type { Guard, ItemState } from '../process/guard.ts';
import type { Level } from '../record/level.ts';
import { AGGREGATE_TABLE_KEYS } from '../resources.ts';
import { writeError } from './aws-errors.ts';

export interface AggregateStore {
  /** Strongly consistent read of the items' states for `shardId`; missing items are absent from the map. */
  readStates(keys: readonly ItemKey[], shardId: string): Promise<Map<string, ItemState>>;
  /**
   * One conditional UpdateItem: ADD counters, SET hw and descriptive fields, lower min / raise max / replace the
   * example only where `state` says this contribution wins. `conflict` when the guard or a min/max condition no
   * longer holds (another writer got there first): re-read and try again. `guard` undefined = no idempotency.
   */
  apply(
    item: AggregateItem,
    state: ItemState | undefined,
    guard: Guard | undefined,
  ): Promise<'applied' | 'conflict'>;
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
/** Top-level attributes (nested map paths cannot be created by an update of a path inside them). */
const hwAttr = (shardId: string) => `hw.${shardId}`;
const statAttr = (field: string, part: keyof Stat) => `st.${field}.${part}`;

type Scalar = string | number | Record<string, string>;

/** The store-neutral form of one update; both implementations execute it with the same semantics. */
export interface UpdatePlan {
  add: Record<string, number>;
  set: Record<string, Scalar>;
  /** Set to the value only if the attribute is absent or greater (min, lexicographically smallest example). */
  lower: Record<string, number | string>;
  /** Set to the value only if the attribute is absent or smaller (max). */
  higher: Record<string, number>;
  guard?: { attr: string; expected: string | undefined; next: string };
}

export function planUpdate(
  item: AggregateItem,
  state: ItemState | undefined,
  guard: Guard | undefined,
): UpdatePlan {
  const plan: UpdatePlan = { add: {}, set: {}, lower: {}, higher: {} };
  const a = item.aggregate;
  plan.set.tenant = a.tenant;
  plan.set.region = a.region;
  plan.set.service = a.service;
  plan.set.windowStart = a.windowStart;
  plan.set.windowSeconds = item.windowSeconds;
  plan.set[TTL] = item.expiresAt;
  plan.add.count = a.count;
  if (item.kind === 'count') {
    const c = item.aggregate;
    plan.set.kind = 'count';
    plan.set.level = c.level;
    plan.set.dims = c.dims;
    plan.add.bytes = c.bytes;
    for (const [field, s] of Object.entries(c.stats)) {
      plan.add[statAttr(field, 'count')] = s.count;
      plan.add[statAttr(field, 'sum')] = s.sum;
      const min = state?.min[field];
      if (min === undefined || s.min < min) plan.lower[statAttr(field, 'min')] = s.min;
      const max = state?.max[field];
      if (max === undefined || s.max > max) plan.higher[statAttr(field, 'max')] = s.max;
    }
  } else {
    const p = item.aggregate;
    plan.set.kind = 'pattern';
    plan.set.template = p.template;
    if (state?.example === undefined || p.example < state.example) plan.lower.example = p.example;
  }
  if (guard) plan.guard = { attr: hwAttr(guard.shardId), expected: guard.expected, next: guard.next };
  return plan;
}

function stateOf(item: Record<string, Scalar | undefined>, shardId: string): ItemState {
  const state: ItemState = { min: {}, max: {} };
  const hw = item[hwAttr(shardId)];
  if (typeof hw === 'string') state.hw = hw;
  if (typeof item.example === 'string') state.example = item.example;
  for (const [name, v] of Object.entries(item)) {
    if (!name.startsWith('st.') || typeof v !== 'number') continue;
    if (name.endsWith('.min')) state.min[name.slice(3, -4)] = v;
    else if (name.endsWith('.max')) state.max[name.slice(3, -4)] = v;
  }
  return state;
}

function toAggregate(
  item: Record<string, Scalar | undefined>,
): { count: CountAggregate } | { pattern: PatternAggregate } | undefined {
  const base = {
    tenant: String(item.tenant),
    region: String(item.region),
    service: String(item.service),
    windowStart: Number(item.windowStart),
    count: Number(item.count ?? 0),
  };
  if (item.kind === 'pattern') {
    return { pattern: { ...base, template: String(item.template), example: String(item.example ?? '') } };
  }
  if (item.kind !== 'count') return undefined;
  const stats: Record<string, Stat> = {};
  for (const [name, v] of Object.entries(item)) {
    if (!name.startsWith('st.') || typeof v !== 'number') continue;
    const dot = name.lastIndexOf('.');
    const field = name.slice(3, dot);
    const part = name.slice(dot + 1) as keyof Stat;
    stats[field] ??= { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
    stats[field][part] = v;
  }
  return {
    count: {
      ...base,
      level: String(item.level) as Level,
      dims: (item.dims as Record<string, string> | undefined) ?? {},
      bytes: Number(item.bytes ?? 0),
      stats,
    },
  };
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
  if (typeof v === 'number') return { N: String(v) };
  return { M: Object.fromEntries(Object.entries(v).map(([k, s]) => [k, { S: s }])) };
}

function unmarshal(item: Record<string, AttributeValue>): Record<string, Scalar | undefined> {
  const out: Record<string, Scalar | undefined> = {};
  for (const [k, v] of Object.entries(item)) {
    if (v.S !== undefined) out[k] = v.S;
    else if (v.N !== undefined) out[k] = Number(v.N);
    else if (v.M !== undefined) {
      out[k] = Object.fromEntries(Object.entries(v.M).map(([mk, mv]) => [mk, mv.S ?? mv.N ?? '']));
    }
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
          if (round > 8) throw new RetryableWriteError('dynamodb', 'BatchGetItem left keys unprocessed');
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
      const plan = planUpdate(item, state, guard);
      const names: Record<string, string> = {};
      const values: Record<string, AttributeValue> = {};
      let n = 0;
      const name = (attr: string) => {
        const k = `#a${n++}`;
        names[k] = attr;
        return k;
      };
      const value = (v: Scalar) => {
        const k = `:v${n++}`;
        values[k] = marshal(v);
        return k;
      };
      const sets: string[] = [];
      const adds: string[] = [];
      const conds: string[] = [];
      for (const [attr, v] of Object.entries(plan.add)) adds.push(`${name(attr)} ${value(v)}`);
      for (const [attr, v] of Object.entries(plan.set)) sets.push(`${name(attr)} = ${value(v)}`);
      for (const [attr, v] of Object.entries(plan.lower)) {
        const [a, val] = [name(attr), value(v)];
        sets.push(`${a} = ${val}`);
        conds.push(`(attribute_not_exists(${a}) OR ${a} > ${val})`);
      }
      for (const [attr, v] of Object.entries(plan.higher)) {
        const [a, val] = [name(attr), value(v)];
        sets.push(`${a} = ${val}`);
        conds.push(`(attribute_not_exists(${a}) OR ${a} < ${val})`);
      }
      if (plan.guard) {
        const a = name(plan.guard.attr);
        sets.push(`${a} = ${value(plan.guard.next)}`);
        conds.push(
          plan.guard.expected === undefined
            ? `attribute_not_exists(${a})`
            : `${a} = ${value(plan.guard.expected)}`,
        );
      }
      try {
        await client.send(
          new UpdateItemCommand({
            TableName: tableName,
            Key: { [PK]: { S: item.pk }, [SK]: { S: item.sk } },
            UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
            ...(conds.length > 0 && { ConditionExpression: conds.join(' AND ') }),
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
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
          for (const raw of res.Items ?? []) {
            const a = toAggregate(unmarshal(raw));
            if (!a) continue;
            const w = 'count' in a ? a.count.windowStart : a.pattern.windowStart;
            if (w < q.from || w >= q.to) continue;
            if ('count' in a) counts.push(a.count);
            else patterns.push(a.pattern);
          }
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
}

export function createMemoryAggregateStore(): MemoryAggregateStore {
  const items = new Map<string, Record<string, Scalar | undefined>>();
  let writes = 0;
  return {
    items,
    get writes() {
      return writes;
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
      writes++;
      const plan = planUpdate(item, state, guard);
      const id = itemId(item);
      const cur = items.get(id) ?? { [PK]: item.pk, [SK]: item.sk };
      for (const [attr, v] of Object.entries(plan.lower)) {
        const c = cur[attr];
        const wins = typeof v === 'number' ? Number(c) > v : String(c) > v;
        if (c !== undefined && !wins) return 'conflict';
      }
      for (const [attr, v] of Object.entries(plan.higher)) {
        const c = cur[attr];
        if (c !== undefined && !(Number(c) < v)) return 'conflict';
      }
      if (plan.guard && cur[plan.guard.attr] !== plan.guard.expected) return 'conflict';
      const next = { ...cur, ...plan.set, ...plan.lower, ...plan.higher };
      for (const [attr, v] of Object.entries(plan.add)) next[attr] = Number(cur[attr] ?? 0) + v;
      if (plan.guard) next[plan.guard.attr] = plan.guard.next;
      items.set(id, next);
      return 'applied';
    },
    async read(q) {
      const counts: CountAggregate[] = [];
      const patterns: PatternAggregate[] = [];
      const pks = new Set(daysBetween(q.from, q.to).map((d) => partitionKey(q.region, q.tenant, d)));
      for (const item of items.values()) {
        if (!pks.has(String(item[PK]))) continue;
        const a = toAggregate(item);
        if (!a) continue;
        const w = 'count' in a ? a.count.windowStart : a.pattern.windowStart;
        if (w < q.from || w >= q.to) continue;
        if ('count' in a) counts.push(a.count);
        else patterns.push(a.pattern);
      }
      return { counts, patterns };
    },
  };
}
