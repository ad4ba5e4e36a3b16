// STUB: replaced by the suppression / throttling implementation (issue [core] item 4).
import type { FilterConfig } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';

export type RateVerdict = { keep: true } | { keep: false; reason: string; suppressed: boolean };

/**
 * Stateful: suppression of repeats and per-key throttling, in event time (record timestamps), so a batch gives the
 * same answer however often it is replayed. One instance per batch or per CLI run.
 */
export class RateLimiter {
  constructor(_config: FilterConfig) {}

  offer(_record: LogRecord): RateVerdict {
    return { keep: true };
  }

  /** Summary records ("K records suppressed for key X"), one per suppressed key and period. */
  flush(): LogRecord[] {
    return [];
  }
}
