import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCommand } from '../../cli/commands/send.ts';
import { tailCommand } from '../../cli/commands/tail.ts';
import { type LocalStack, startLocalStack } from '../../local/stack.ts';
import { tid } from '../helpers/local.ts';

let stack: LocalStack;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
  stack = await startLocalStack({
    memory: true,
    port: 0,
    stateDir: dir,
    esm: { batchingWindowSeconds: 0, pollIntervalMs: 50 },
  });
});
afterAll(async () => {
  await stack?.stop();
});

function io(stdin = '') {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (d: Buffer) => out.push(d.toString()));
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const input = new PassThrough();
  input.end(stdin);
  return { io: { stdin: input, stdout, stderr }, out: () => out.join(''), err: () => err.join('') };
}

describe('sluice send and sluice tail against the local stack', () => {
  it('sends lines from a file with the key of .sluice/local.json and tails the masked records', async () => {
    const state = join(dir, 'local.json');
    const input = join(dir, 'lines.ndjson');
    const lines = Array.from({ length: 25 }, (_, i) =>
      JSON.stringify({ service: 'cli', level: 'info', message: `signup ${tid(i)} by eve${i}@example.com` }),
    );
    writeFileSync(input, `${lines.join('\n')}\nplain text line ${tid(99)}\n`);
    const send = io();
    expect(await sendCommand.run(['--state', state, '--input', input, '--batch', '10'], send.io)).toBe(0);
    expect(send.err()).toBe('sent 26 lines in 3 request(s); 26 records accepted\n');

    await stack.runner()!.drained(30_000);
    const tail = io();
    expect(await tailCommand.run(['--state', state], tail.io)).toBe(0);
    const printed = tail.out().trim().split('\n');
    expect(printed).toHaveLength(26);
    expect(tail.out()).not.toContain('@example.com');
    expect(tail.out()).toContain(tid(99));
    const tailOne = io();
    expect(await tailCommand.run(['--state', state, '--tenant', 'nobody'], tailOne.io)).toBe(0);
    expect(tailOne.out()).toBe('');
  });

  it('reads stdin, and reports a refused key as an error', async () => {
    const bad = io('{"message":"x"}\n');
    await expect(sendCommand.run(['--url', stack.state.ingestUrl, '--key', 'wrong'], bad.io)).rejects.toThrow(
      /401/,
    );
  });
});
