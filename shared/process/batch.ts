import { Aggregator, type TemplateAdmission } from '../aggregate/aggregator.ts';
import type { PatternKey } from '../aggregate/types.ts';
import type { SluiceConfig, Tenant } from '../config/load.ts';
import { type BatchStats, emptyStats, mergeStats } from '../pipeline/batch-result.ts';
import type { Pipeline, PipelineSession } from '../pipeline/pipeline.ts';
import type { LogRecord } from '../record/record.ts';
import { type AggregateItem, addItems, type ItemOptions } from './aggregate-items.ts';
import { type DecodeContext, type DecodedUnit, decodeStreamRecord, type StreamRecord } from './decode.ts';
import type { FailedRecord } from './failure-record.ts';
import { type Partition, partitionCache, partitionOf } from './objects.ts';
import { endPosition, padSeq, recordPosition, summaryPosition } from './seq.ts';

/** A kept, masked record tagged with the stream position it came from (`recordPosition`). */
export interface TaggedOutput {
  seq: string;
  tenant: string;
  record: LogRecord;
  line: string;
}

/** Everything of one S3 partition in this batch: becomes one object. */
export interface PartitionOutput {
  partition: Partition;
  /** Unpadded sequence number of the first stream record that fed this partition in the batch. */
  firstSequence: string;
  lastSequence: string;
  lines: string[];
  stats: BatchStats;
}

export interface BatchPlan {
  /** Stream records covered: records[0 .. processed). The rest was left for the retry (deadline). */
  processed: number;
  partitions: PartitionOutput[];
  outputs: TaggedOutput[];
  poison: FailedRecord[];
  /** The bucket items the covered records contribute to (see aggregate-items.ts). */
  items: Map<string, AggregateItem>;
  stats: BatchStats;
  /** Before every position of the first covered stream record, and after every one of the last (see seq.ts). */
  firstSeq: string;
  lastSeq: string;
}

export interface BatchContext {
  config: SluiceConfig;
  region: string;
  shardId: string;
  pipelines: ReadonlyMap<string, Pipeline>;
  decode: DecodeContext;
  /** Polled every few records: true = stop here and leave the rest for the retry (deadline near). */
  shouldStop?: () => boolean;
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');
const STOP_CHECK_EVERY = 16;

export function itemOptions(
  config: SluiceConfig,
  tenant: Tenant,
  region: string,
  shardId: string,
): ItemOptions {
  return {
    region,
    shardId,
    windowSeconds: tenant.pipeline.aggregate.windowSeconds,
    ttlDays: config.aggregates.ttlDays,
  };
}

/**
 * The pure part of a batch: decode, run each tenant's pipeline, group outputs by S3 partition and aggregates by
 * item. One pipeline session per partition (tenant, day, hour of receive time): its stats are exactly the
 * object's (masking counts in the provenance), and suppression spans a whole batch of one tenant in practice.
 * Suppression and throttling state lives per batch: what they keep depends on batch boundaries (documented).
 */
export function planBatch(records: readonly StreamRecord[], ctx: BatchContext): BatchPlan {
  interface Open {
    partition: Partition;
    session: PipelineSession;
    /** Stream record of the first KEPT line (names the object); the first record fed until one is kept. */
    firstSequence: string;
    lastSequence: string;
    /** Records pushed into the session so far: outputs' `index` counts from it. */
    pushed: number;
    outputs: TaggedOutput[];
  }
  const open = new Map<string, Open>();
  const poison: FailedRecord[] = [];
  const partition = partitionCache();
  let processed = 0;
  for (; processed < records.length; processed++) {
    if (processed > 0 && processed % STOP_CHECK_EVERY === 0 && ctx.shouldStop?.()) break;
    const record = records[processed]!;
    const seq = padSeq(record.sequenceNumber);
    let unitNo = -1;
    for (const unit of decodeStreamRecord(record, ctx.decode)) {
      unitNo++;
      if (unit.kind === 'poison') {
        poison.push(failedRecord(unit, record, ctx));
        continue;
      }
      for (const [path, { records: group, indices }] of groupByPartition(unit.records, partition)) {
        let p = open.get(path);
        if (!p) {
          const tenant = group[0]!.tenant;
          const pipeline = ctx.pipelines.get(tenant);
          if (!pipeline) throw new RangeError(`no pipeline for tenant ${tenant}`);
          p = {
            partition: partitionOf(tenant, group[0]!.ingest.receivedAt),
            session: pipeline.session(),
            firstSequence: record.sequenceNumber,
            lastSequence: record.sequenceNumber,
            pushed: 0,
            outputs: [],
          };
          open.set(path, p);
        }
        p.lastSequence = record.sequenceNumber;
        const base = p.pushed;
        p.pushed += group.length;
        for (const o of p.session.push(group)) {
          // The object is named after its first kept line's record: an attempt that kept nothing of a partition
          // before a checkpoint then names its object as the earlier attempt did, and overwrites it.
          if (p.outputs.length === 0) p.firstSequence = record.sequenceNumber;
          const position = recordPosition(seq, unitNo, indices[o.index - base]!);
          p.outputs.push({ seq: position, tenant: p.partition.tenant, record: o.record, line: o.line });
        }
      }
    }
  }

  const partitions: PartitionOutput[] = [];
  const outputs: TaggedOutput[] = [];
  const items = new Map<string, AggregateItem>();
  let stats = emptyStats();
  for (const p of open.values()) {
    const end = p.session.end();
    // Summaries (suppression) belong to the partition's last record: the highest position they account for.
    const summarySeq = summaryPosition(padSeq(p.lastSequence));
    for (const o of end.outputs)
      p.outputs.push({ seq: summarySeq, tenant: p.partition.tenant, record: o.record, line: o.line });
    const tenant = ctx.config.tenants.find((t) => t.id === p.partition.tenant)!;
    addItems(items, end.aggregates, itemOptions(ctx.config, tenant, ctx.region, ctx.shardId));
    stats = mergeStats(stats, end.stats);
    outputs.push(...p.outputs);
    partitions.push({
      partition: p.partition,
      firstSequence: p.firstSequence,
      lastSequence: p.lastSequence,
      lines: p.outputs.map((o) => o.line),
      stats: end.stats,
    });
  }
  const first = records[0];
  const last = records[Math.max(0, processed - 1)];
  return {
    processed,
    partitions,
    outputs,
    poison,
    items,
    stats,
    firstSeq: first ? padSeq(first.sequenceNumber) : '',
    lastSeq: last ? endPosition(padSeq(last.sequenceNumber)) : '',
  };
}

/** The unit's records by S3 partition, each with its index in the unit (its position). */
function groupByPartition(
  records: readonly LogRecord[],
  partition: (tenant: string, receivedAt: number) => Partition,
): Map<string, { records: LogRecord[]; indices: number[] }> {
  const groups = new Map<string, { records: LogRecord[]; indices: number[] }>();
  let lastPath = '';
  let lastGroup: { records: LogRecord[]; indices: number[] } | undefined;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const path = partition(r.tenant, r.ingest.receivedAt).path;
    if (path !== lastPath || !lastGroup) {
      lastPath = path;
      lastGroup = groups.get(path);
      if (!lastGroup) {
        lastGroup = { records: [], indices: [] };
        groups.set(path, lastGroup);
      }
    }
    lastGroup.records.push(r);
    lastGroup.indices.push(i);
  }
  return groups;
}

function failedRecord(
  unit: Extract<DecodedUnit, { kind: 'poison' }>,
  record: StreamRecord,
  ctx: BatchContext,
): FailedRecord {
  return {
    version: 1,
    region: ctx.region,
    shardId: ctx.shardId,
    sequenceNumber: unit.sequenceNumber,
    ...(unit.subSequence !== undefined && { subSequence: unit.subSequence }),
    partitionKey: unit.partitionKey,
    reason: unit.reason,
    detail: unit.detail,
    arrivalMs: record.arrivalMs,
    payload: Buffer.from(unit.payload).toString('base64'),
  };
}

/**
 * The contributions of only the outputs positioned in (`after`, `upTo`] (padded sequence numbers), per item: what
 * an item whose hw[shard] lies inside this batch still lacks, or one prefix of it. Aggregated afresh from the
 * kept, masked outputs, so it equals the sum of those records' shares in the whole-batch aggregates.
 */
export function itemsBetween(
  outputs: readonly TaggedOutput[],
  after: string,
  upTo: string,
  ctx: Pick<BatchContext, 'config' | 'region' | 'shardId'>,
  admit?: TemplateAdmission,
): Map<string, AggregateItem> {
  const byTenant = new Map<string, Aggregator>();
  for (const o of outputs) {
    if (o.seq <= after || o.seq > upTo) continue;
    let agg = byTenant.get(o.tenant);
    if (!agg) {
      const tenant = ctx.config.tenants.find((t) => t.id === o.tenant)!;
      agg = new Aggregator(tenant.pipeline.aggregate, admit);
      byTenant.set(o.tenant, agg);
    }
    agg.add(o.record, utf8Length(o.line));
  }
  const items = new Map<string, AggregateItem>();
  for (const [id, agg] of byTenant) {
    const tenant = ctx.config.tenants.find((t) => t.id === id)!;
    addItems(items, agg.result(), itemOptions(ctx.config, tenant, ctx.region, ctx.shardId));
  }
  return items;
}

/**
 * The whole batch's pattern-cap decisions: which templates got their own pattern. Parts of the batch aggregated
 * with them (`itemsBetween`) put the same templates under `<other>`, so the parts add up to the whole.
 */
export function templateAdmission(items: ReadonlyMap<string, AggregateItem>): TemplateAdmission {
  const admitted = new Set<string>();
  const key = (g: Omit<PatternKey, 'template'>, template: string) =>
    `${g.tenant}\n${g.region}\n${g.service}\n${g.windowStart}\n${template}`;
  for (const item of items.values())
    for (const p of item.entries.patterns.values()) admitted.add(key(p, p.template));
  return (group, template) => admitted.has(key(group, template));
}

/** The median position of the outputs in (`after`, `upTo`), below `upTo`; undefined if there is none. */
export function midSequence(
  outputs: readonly TaggedOutput[],
  after: string,
  upTo: string,
): string | undefined {
  const seqs = [...new Set(outputs.filter((o) => o.seq > after && o.seq < upTo).map((o) => o.seq))].sort();
  return seqs[Math.floor((seqs.length - 1) / 2)];
}
