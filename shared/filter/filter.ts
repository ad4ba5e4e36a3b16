// STUB: replaced by the filter stage implementation (issue [core] item 4).
import type { FilterConfig } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';

/** `forced`: a keep rule matched; later rate stages must not drop it. */
export type FilterVerdict = { keep: true; forced: boolean } | { keep: false; reason: string };

/** Stateless per-record decision: level threshold, drop rules, keep rules, consistent sampling. */
export function createFilter(_config: FilterConfig): (record: LogRecord) => FilterVerdict {
  return () => ({ keep: true, forced: false });
}
