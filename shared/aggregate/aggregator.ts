// STUB: replaced by the aggregate stage implementation (issue [core] item 6).
import type { AggregateConfig } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';
import { type AggregateSet, emptyAggregateSet } from './types.ts';

/** Stateful: accumulates masked records into count, stat and pattern aggregates. */
export class Aggregator {
  constructor(_config: AggregateConfig) {}

  /** `bytes`: UTF-8 length of the record's serialized line. */
  add(_record: LogRecord, _bytes: number): void {}

  result(): AggregateSet {
    return emptyAggregateSet();
  }
}
