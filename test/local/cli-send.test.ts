import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { nothingStored, SendError, sendCommand } from '../../cli/commands/send.ts';

/** `sluice send` against a scripted endpoint: request sizes and what it retries. */

interface Answer {
  status: number;
  body: unknown;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

/** An endpoint that answers the n-th request with `script(n)` and records the size of each body. */
async function endpoint(script: (n: number, lines: number) => Answer) {
  const bodies: number[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      bodies.push(body.length);
      const answer = script(bodies.length - 1, body.toString().split('\n').filter(Boolean).length);
      res.writeHead(answer.status, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { url, bodies };
}

function send(url: string, stdin: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const input = new PassThrough();
  input.end(stdin);
  const err: string[] = [];
  stderr.on('data', (d: Buffer) => err.push(d.toString()));
  const run = sendCommand.run(['--url', url, '--key', 'k'], { stdin: input, stdout, stderr });
  return { run, err: () => err.join('') };
}

const accepted = (n: number): Answer => ({ status: 200, body: { accepted: n } });
const unavailable = (status: number, failed: number, writes: number): Answer => ({
  status,
  body: {
    error: 'unavailable',
    message:
      `${failed} of ${writes} stream writes did not complete in time; retry the request ` +
      '(records of the completed writes may then arrive twice)',
  },
});

describe('sluice send', () => {
  it('keeps each request under 4 MiB of UTF-8, not of characters', async () => {
    const { url, bodies } = await endpoint((_n, lines) => accepted(lines));
    // 1.5 M two-byte characters: 3 MB per line, so two lines do not fit one request.
    const line = JSON.stringify({ message: 'é'.repeat(1_500_000) });
    const s = send(url, `${line}\n${line}\n${line}\n`);
    expect(await s.run).toBe(0);
    expect(bodies).toHaveLength(3);
    for (const b of bodies) expect(b).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it('retries a 429/503 that stored nothing', async () => {
    const { url, bodies } = await endpoint((n, lines) =>
      n === 0 ? unavailable(503, 2, 2) : n === 1 ? unavailable(429, 1, 1) : accepted(lines),
    );
    const s = send(url, '{"message":"a"}\n{"message":"b"}\n');
    expect(await s.run).toBe(0);
    expect(bodies).toHaveLength(3);
    expect(s.err()).toBe('sent 2 lines in 1 request(s); 2 records accepted\n');
  });

  it('reports, without retrying, a 429/503 after which part of the request may be stored', async () => {
    for (const answer of [
      unavailable(503, 1, 2),
      unavailable(429, 1, 3),
      { status: 503, body: { message: 'Service Unavailable' } },
    ]) {
      const { url, bodies } = await endpoint(() => answer);
      const s = send(url, '{"message":"a"}\n');
      await expect(s.run).rejects.toThrow(SendError);
      expect(bodies).toHaveLength(1);
      await new Promise((r) => server!.close(r));
      server = undefined;
    }
  });

  it('reads "nothing stored" only from the answers that say so', () => {
    expect(nothingStored(503, JSON.stringify(unavailable(503, 3, 3).body))).toBe(true);
    expect(nothingStored(503, JSON.stringify(unavailable(503, 2, 3).body))).toBe(false);
    expect(nothingStored(429, '{"message":"Too Many Requests"}')).toBe(true);
    expect(nothingStored(503, '{"message":"Service Unavailable"}')).toBe(false);
    expect(nothingStored(503, 'not json')).toBe(false);
  });
});
