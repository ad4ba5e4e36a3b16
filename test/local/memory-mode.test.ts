import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';

/**
 * `npm start -- --memory` next to a persistent state dir: the in-memory run must leave the persistent checkpoints
 * alone (they point into the persisted stream) and leave nothing of its data on disk.
 */

let tmp: string;
let savedTmpdir: string | undefined;
beforeAll(() => {
  // The emulators inherit TMPDIR: the in-memory s3rver's folder lands where this test can see it.
  savedTmpdir = process.env.TMPDIR;
  tmp = mkdtempSync(join(tmpdir(), 'sluice-memory-'));
  process.env.TMPDIR = join(tmp, 'tmp');
  mkdirSync(process.env.TMPDIR);
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

const esm = { batchingWindowSeconds: 0, pollIntervalMs: 50 };

async function round(stateDir: string, memory: boolean, label: string): Promise<void> {
  const stack: LocalStack = await startLocalStack({ stateDir, memory, port: 0, esm });
  try {
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({ service: 'web', level: 'info', message: `${label} ${i}` }),
    );
    const res = await fetch(`${stack.state.ingestUrl}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.state.apiKey}`, 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    expect(res.status).toBe(200);
    await stack.runner()!.drained(10_000);
  } finally {
    await stack.stop();
  }
}

describe('in-memory local stack', () => {
  it('keeps the persistent checkpoints, which the next persistent start resumes from', async () => {
    const stateDir = join(tmp, 'state');
    const checkpoints = join(stateDir, 'checkpoints.json');
    await round(stateDir, false, 'persistent');
    const before = readFileSync(checkpoints, 'utf8');

    await round(stateDir, true, 'memory');
    expect(readFileSync(checkpoints, 'utf8')).toBe(before);
    expect(readdirSync(process.env.TMPDIR!)).toEqual([]);

    // The next persistent start reads on from its checkpoints (drained() throws if a shard cannot read).
    await round(stateDir, false, 'again');
    expect(readFileSync(checkpoints, 'utf8')).not.toBe(before);
  });
});
