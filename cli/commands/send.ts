import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { SluiceError } from '../../shared/errors.ts';
import { DEFAULT_LOCAL_STATE_PATH, readLocalState } from '../../shared/local/state.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';

/** Lines per POST, and a ceiling in UTF-8 bytes well under API Gateway's 10 MB. */
const DEFAULT_BATCH = 1000;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const MAX_RETRIES = 5;

/** The endpoint refused lines for good, or kept answering 429/503 after the retries. */
export class SendError extends SluiceError {
  override readonly name = 'SendError';
}

/**
 * Whether a 429/503 answer says the request stored nothing, so that sending it again duplicates nothing. The
 * ingest function's answer names the stream writes that did not complete ("3 of 3 stream writes did not complete
 * in time; …"): only all of them means none of the request was stored. API Gateway's own throttling answer comes
 * before the function runs.
 */
export function nothingStored(status: number, text: string): boolean {
  let body: { error?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return false;
  }
  const message = typeof body.message === 'string' ? body.message : '';
  if (status === 429 && body.error === undefined && message === 'Too Many Requests') return true;
  const writes = /^(\d+) of (\d+) stream writes did not complete/.exec(message);
  return body.error === 'unavailable' && writes !== null && writes[1] === writes[2];
}

async function post(url: string, key: string, body: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    const text = await res.text();
    if (res.ok) {
      const accepted = (JSON.parse(text) as { accepted?: number }).accepted;
      return typeof accepted === 'number' ? accepted : 0;
    }
    // 429/503: the endpoint shedding load. A retry is safe only when it stored nothing of the request; after a
    // partial write it would store the written part twice, so that is reported instead.
    const retryable = res.status === 429 || res.status === 503;
    const safe = retryable && nothingStored(res.status, text);
    if (safe && attempt < MAX_RETRIES) {
      const after = Number(res.headers.get('retry-after') ?? 1);
      await new Promise((r) => setTimeout(r, Math.min(after, 10) * 1000));
      continue;
    }
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {}
    const note =
      retryable && !safe ? ' (part of this request may be stored; not retried, to avoid duplicates)' : '';
    throw new SendError(`the endpoint answered ${res.status}: ${message}${note}`);
  }
}

export const sendCommand: Command = {
  name: 'send',
  summary: 'send log lines (NDJSON or text) to an ingest endpoint, by default the local stack',
  usage:
    'sluice send [--input FILE] [--state FILE] [--region NAME] [--url URL --key KEY] [--batch N]\n' +
    '  Reads lines from stdin (or --input) and POSTs them in batches of N (default 1000) to <url>/ingest.\n' +
    `  URL and key default to the running local stack's (${DEFAULT_LOCAL_STATE_PATH}, written by \`npm start\`);\n` +
    "  --region: that region's endpoint and first tenant when the stack runs several.",
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        input: { type: 'string', short: 'i' },
        state: { type: 'string' },
        region: { type: 'string', short: 'r' },
        url: { type: 'string' },
        key: { type: 'string' },
        batch: { type: 'string' },
      },
    });
    const batch = values.batch ? Number(values.batch) : DEFAULT_BATCH;
    if (!Number.isInteger(batch) || batch < 1) throw new UsageError('--batch must be a positive integer');
    let url = values.url;
    let key = values.key;
    if (!url || !key) {
      const state = readLocalState(values.state, values.region);
      url ??= state.ingestUrl;
      key ??= state.apiKey;
    }
    const endpoint = `${url.replace(/\/$/, '')}/ingest`;
    const input = values.input ? createReadStream(values.input) : io.stdin;
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let chunk: string[] = [];
    let bytes = 0;
    let sent = 0;
    let accepted = 0;
    let requests = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      try {
        accepted += await post(endpoint, key, `${chunk.join('\n')}\n`);
      } catch (err) {
        if (err instanceof SendError) {
          err.message +=
            `; request ${requests + 1} carried lines ${sent + 1}-${sent + chunk.length}, ` +
            `${accepted} records were accepted before it`;
        }
        throw err;
      }
      sent += chunk.length;
      requests++;
      chunk = [];
      bytes = 0;
    };
    for await (const line of lines) {
      if (line.trim().length === 0) continue;
      const size = Buffer.byteLength(line) + 1;
      if (chunk.length >= batch || bytes + size > MAX_BATCH_BYTES) await flush();
      chunk.push(line);
      bytes += size;
    }
    await flush();
    io.stderr.write(`sent ${sent} lines in ${requests} request(s); ${accepted} records accepted\n`);
    return 0;
  },
};
