import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Where the runner records, per shard, the sequence number of the last record it is done with. Lambda keeps this
 * inside the service; locally it must survive a killed runner so the next one resumes there (at-least-once).
 */
export interface CheckpointStore {
  get(streamName: string, shardId: string): string | undefined;
  put(streamName: string, shardId: string, sequenceNumber: string): void;
}

type Doc = Record<string, Record<string, string>>;

export function memoryCheckpointStore(): CheckpointStore {
  const doc: Doc = {};
  return {
    get: (stream, shard) => doc[stream]?.[shard],
    put(stream, shard, seq) {
      doc[stream] = { ...doc[stream], [shard]: seq };
    },
  };
}

/**
 * A JSON file (`.sluice/checkpoints.json`), rewritten atomically (temp file + rename) on every checkpoint, so a
 * SIGKILL leaves either the old or the new checkpoint, never a torn file. A few hundred bytes per write: cheap next
 * to the batch it records.
 */
export function fileCheckpointStore(path: string): CheckpointStore {
  let doc: Doc = {};
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as Doc;
  } catch {
    // No checkpoint yet: the runner starts at TRIM_HORIZON.
  }
  mkdirSync(dirname(path), { recursive: true });
  return {
    get: (stream, shard) => doc[stream]?.[shard],
    put(stream, shard, seq) {
      doc = { ...doc, [stream]: { ...doc[stream], [shard]: seq } };
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(doc));
      renameSync(tmp, path);
    },
  };
}
