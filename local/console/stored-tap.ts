import type { S3Client } from '@aws-sdk/client-s3';
import { listObjects, readObjectLines } from '../../shared/adapters/bucket-reader.ts';
import { partitionOf } from '../../shared/process/objects.ts';
import { type MaskedSpan, maskedSpans } from './spans.ts';

export interface TailLine {
  /** The stored NDJSON line (cut at `maxChars`). */
  line: string;
  spans: MaskedSpan[];
  key: string;
}

export interface StoredTapOptions {
  s3: S3Client;
  bucket: string;
  tenants: readonly string[];
  /** Lines kept (newest last). Default 50. */
  keep?: number;
  /** Objects read per poll at most (the newest); the rest are skipped, as a live tail would. Default 8. */
  objectsPerPoll?: number;
  maxChars?: number;
  now?: () => number;
}

const HOUR = 3_600_000;

/**
 * The most recent stored (masked) records: each poll lists the current and the previous hour's partitions of each
 * tenant (objects are partitioned by receive time, so new records land there) and reads the objects not seen yet.
 */
export function createStoredTap(o: StoredTapOptions) {
  const keep = o.keep ?? 50;
  const perPoll = o.objectsPerPoll ?? 8;
  const maxChars = o.maxChars ?? 2000;
  const now = o.now ?? Date.now;
  let seen = new Set<string>();
  let lines: TailLine[] = [];
  return {
    recent: (): TailLine[] => lines.slice(),
    async poll(): Promise<void> {
      const t = now();
      const prefixes = o.tenants.flatMap((tenant) =>
        [t - HOUR, t].map((at) => `records/${partitionOf(tenant, at).path}/`),
      );
      const listed = (await Promise.all(prefixes.map((p) => listObjects(o.s3, o.bucket, p)))).flat();
      const fresh = listed
        .filter((x) => !seen.has(x.key))
        .sort((a, b) => a.lastModified - b.lastModified || a.key.localeCompare(b.key))
        .slice(-perPoll);
      // Older unseen objects are skipped for good, and only listed keys are remembered (two hours' worth).
      seen = new Set(listed.map((x) => x.key));
      for (const x of fresh) {
        const read = await readObjectLines(o.s3, o.bucket, x.key);
        for (const raw of read.slice(-keep)) {
          const line = raw.length > maxChars ? `${raw.slice(0, maxChars)}…` : raw;
          lines.push({ line, spans: maskedSpans(line).filter((s) => s.end <= maxChars), key: x.key });
        }
      }
      if (lines.length > keep) lines = lines.slice(-keep);
    },
  };
}

export type StoredTap = ReturnType<typeof createStoredTap>;
