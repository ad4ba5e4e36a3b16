import type { LogRecord, SerializedRecord } from './record.ts';

export function toSerialized(record: LogRecord): SerializedRecord {
  return { ...record, timestamp: new Date(record.timestamp).toISOString() };
}

export function serializeRecord(record: LogRecord): string {
  return JSON.stringify(toSerialized(record));
}

/** Inverse of `serializeRecord`; throws on anything that is not a serialized record. */
export function parseSerialized(line: string): LogRecord {
  const value = JSON.parse(line) as SerializedRecord;
  const timestamp = Date.parse(value.timestamp);
  if (Number.isNaN(timestamp) || typeof value.tenant !== 'string' || typeof value.message !== 'string') {
    throw new TypeError('not a serialized sluice record');
  }
  return { ...value, timestamp };
}
