import { describe, expect, it } from 'vitest';
import { toStreamRecords } from '../../../functions/process/app.ts';
import { mergeAggregates } from '../../../shared/aggregate/merge.ts';
import { type AggregateSet, emptyAggregateSet } from '../../../shared/aggregate/types.ts';
import { createPipeline } from '../../../shared/pipeline/pipeline.ts';
import type { AggregateItem } from '../../../shared/process/aggregate-items.ts';
import {
  type BatchContext,
  itemsBetween,
  midSequence,
  planBatch,
  templateAdmission,
} from '../../../shared/process/batch.ts';
import { packRecords } from '../../../shared/record/envelope.ts';
import { kinesisEvent, processConfig, SHARD } from '../../helpers/process.ts';
import { makeRecord, T0 } from '../../helpers/records.ts';

/** Every entry of a set of items, merged: what a reader would sum. */
function entriesOf(items: ReadonlyMap<string, AggregateItem>): AggregateSet {
  let all = emptyAggregateSet();
  for (const item of items.values()) all = mergeAggregates(all, item.entries);
  return all;
}

const sorted = (set: AggregateSet) => ({
  counts: [...set.counts.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  patterns: [...set.patterns.values()].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
});

describe('itemsBetween', () => {
  it('splits a batch into prefixes whose aggregates add up to the whole, also past the pattern cap', () => {
    // Two templates per (service, window): the rest count under <other>.
    const config = processConfig({
      defaults: {
        pipeline: {
          filter: { minLevel: 'info' },
          aggregate: { windowSeconds: 60, stats: ['attributes.durationMs'], patterns: { maxPerWindow: 2 } },
        },
      },
    });
    const served = config.tenants.filter((t) => t.homeRegion === 'eu');
    const ctx: BatchContext = {
      config,
      region: 'eu',
      shardId: SHARD,
      pipelines: new Map(served.map((t) => [t.id, createPipeline(t.pipeline)])),
      decode: { region: 'eu', tenants: new Set(served.map((t) => t.id)), defaultTenant: 'acme' },
    };
    // Six templates in one service and window, in an order that differs between the two halves of the batch.
    const entries = Array.from({ length: 60 }, (_, e) => {
      const records = Array.from({ length: 4 }, (_, k) =>
        makeRecord({
          tenant: 'acme',
          service: 'api',
          timestamp: T0 + e * 100 + k,
          message: `step ${e < 30 ? (e + k) % 3 : 3 + ((e + k) % 3)} of job ${e * 4 + k} done`.replace(
            /step (\d)/,
            (_m, d: string) => ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'][Number(d)]!,
          ),
          ingest: { receivedAt: T0, protocol: 'test', id: `id-${e}-${k}` },
        }),
      );
      return { data: packRecords(records)[0]! };
    });
    const plan = planBatch(toStreamRecords(kinesisEvent(entries)), ctx);
    const whole = entriesOf(plan.items);
    expect([...whole.patterns.values()].some((p) => p.template === '<other>')).toBe(true);

    const admit = templateAdmission(plan.items);
    // The later part alone sees its own first templates: without the whole batch's decisions it would admit them.
    const mid = midSequence(plan.outputs, '', plan.lastSeq)!;
    const parts = mergeAggregates(
      entriesOf(itemsBetween(plan.outputs, '', mid, ctx, admit)),
      entriesOf(itemsBetween(plan.outputs, mid, plan.lastSeq, ctx, admit)),
    );
    expect(sorted(parts)).toEqual(sorted(whole));
    const unguided = entriesOf(itemsBetween(plan.outputs, mid, plan.lastSeq, ctx));
    const guided = entriesOf(itemsBetween(plan.outputs, mid, plan.lastSeq, ctx, admit));
    expect(sorted(unguided).patterns.map((p) => p.template)).not.toEqual(
      sorted(guided).patterns.map((p) => p.template),
    );
  });
});
