import { Aggregator } from '../aggregate/aggregator.ts';
import type { PipelineRules } from '../config/schema.ts';
import { createFilter } from '../filter/filter.ts';
import { RateLimiter } from '../filter/rate-limiter.ts';
import { createMasker, type MaskKeys } from '../mask/masker.ts';
import type { LogRecord } from '../record/record.ts';
import { serializeRecord } from '../record/serialize.ts';
import { type BatchResult, type BatchStats, emptyStats, type Output } from './batch-result.ts';

/** A stateful run of the pipeline: records pushed in order, summaries and aggregates at `end()`. */
export interface PipelineSession {
  /** Filters, masks and aggregates `records`; returns the kept outputs, in input order. */
  push(records: readonly LogRecord[]): Output[];
  /** Running totals so far: a live view that later pushes keep changing (the playground diffs it per line). */
  stats(): Readonly<BatchStats>;
  /** Emits the suppression summaries and returns the run's totals. The session cannot be used afterwards. */
  end(): BatchResult;
}

export interface Pipeline {
  session(): PipelineSession;
  /** One batch with fresh state: the result depends only on the records given. */
  run(records: readonly LogRecord[]): BatchResult;
}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * filter → rate limits → mask → aggregate. Masking comes before aggregation so no aggregate (pattern examples
 * included) can hold an unmasked value.
 */
export function createPipeline(rules: PipelineRules, keys: MaskKeys = {}): Pipeline {
  const filter = createFilter(rules.filter);
  const masker = createMasker(rules.mask, keys);

  const session = (): PipelineSession => {
    const rate = new RateLimiter(rules.filter);
    const aggregator = new Aggregator(rules.aggregate);
    const stats: BatchStats = emptyStats();
    let offset = 0;
    const emit = (record: LogRecord, index: number): Output => {
      const masked = masker.maskRecord(record, stats.masked);
      const line = serializeRecord(masked);
      aggregator.add(masked, utf8Length(line));
      stats.out++;
      return { index, record: masked, line };
    };
    const drop = (reason: string) => {
      stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
    };

    return {
      push(records) {
        const outputs: Output[] = [];
        for (let i = 0; i < records.length; i++) {
          const record = records[i]!;
          stats.in++;
          const verdict = filter(record);
          if (!verdict.keep) {
            drop(verdict.reason);
            continue;
          }
          if (!verdict.forced) {
            const limited = rate.offer(record);
            if (!limited.keep) {
              drop(limited.reason);
              if (limited.suppressed) stats.suppressed++;
              continue;
            }
          }
          outputs.push(emit(record, offset + i));
        }
        offset += records.length;
        return outputs;
      },
      stats: () => stats,
      end() {
        const outputs = rate.flush().map((summary) => emit(summary, -1));
        if (aggregator.clampedTimestamps > 0) stats.clampedTimestamps = aggregator.clampedTimestamps;
        return { outputs, stats, aggregates: aggregator.result() };
      },
    };
  };

  return {
    session,
    run(records) {
      const s = session();
      const outputs = s.push(records);
      const end = s.end();
      return { ...end, outputs: [...outputs, ...end.outputs] };
    },
  };
}
