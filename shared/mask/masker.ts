// STUB: replaced by the mask stage implementation (issue [core] item 5).
import type { MaskConfig } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';

/** Counts of masked values by detector name, `sensitiveKey` (key-name rule) or `allowList`. */
export type MaskAudit = Record<string, number>;

export interface MaskKeys {
  /** Tenant's HMAC-SHA256 key for pseudonyms; required when a detector uses mode `hmac`. */
  hmacKey?: Uint8Array;
}

export interface Masker {
  /** Returns a masked copy; the input is not modified. */
  maskRecord(record: LogRecord, audit: MaskAudit): LogRecord;
  maskText(text: string, audit: MaskAudit): string;
}

export function createMasker(_config: MaskConfig, _keys: MaskKeys = {}): Masker {
  return { maskRecord: (r) => r, maskText: (t) => t };
}
