/**
 * `npx tsx bench/mask.ts`: throughput of the mask stage alone over the core benchmark's corpus (records already
 * parsed), with the built-in defaults (every detector, placeholders) and the example config's rules (card
 * partial, email hmac). MiB/s are of the input lines, comparable with `npm run bench`. Rounds alternate with a
 * `JSON.stringify` of the same records, and the ratio between the two is printed: on a shared, loaded machine the
 * ratio stays stable when absolute figures do not.
 */
import { maskSchema } from '../shared/config/schema.ts';
import { createMasker, type Masker } from '../shared/mask/masker.ts';
import { parseLogLine } from '../shared/record/parse-line.ts';
import type { LogRecord } from '../shared/record/record.ts';
import { makeCorpus } from './corpus.ts';

const LINES = Number(process.env.BENCH_LINES ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const corpus = makeCorpus(LINES);
const bytes = corpus.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
let seq = 0;
const ctx = { tenant: 'acme', region: 'eu', protocol: 'bench', receivedAt: 0, nextId: () => `b-${seq++}` };
const records: LogRecord[] = corpus.map((line) => parseLogLine(line, ctx));

let sink = 0;
function maskRound(masker: Masker): void {
  const audit: Record<string, number> = {};
  for (const r of records) sink += masker.maskRecord(r, audit).message.length;
}
function stringifyRound(): void {
  for (const r of records) sink += JSON.stringify(r).length;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function measure(name: string, masker: Masker): void {
  const warm = performance.now();
  while (performance.now() - warm < 1000) {
    maskRound(masker);
    stringifyRound();
  }
  let maskMs = 0;
  let stringifyMs = 0;
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    maskMs += timed(() => maskRound(masker));
    stringifyMs += timed(stringifyRound);
    rounds++;
  }
  const mibs = (bytes * rounds) / (maskMs / 1000) / 1_048_576;
  const rps = (records.length * rounds) / (maskMs / 1000);
  const floor = (bytes * rounds) / (stringifyMs / 1000) / 1_048_576;
  console.log(
    `mask ${name.padEnd(9)} ${mibs.toFixed(1).padStart(7)} MiB/s ${Math.round(rps).toString().padStart(9)} records/s; JSON.stringify ${floor.toFixed(1)} MiB/s; mask/stringify ${(mibs / floor).toFixed(2)}`,
  );
}

console.log(
  `corpus: ${records.length} records, ${(bytes / 1_048_576).toFixed(1)} MiB; node ${process.version}`,
);
measure('defaults', createMasker(maskSchema.parse({})));
measure(
  'example',
  createMasker(
    maskSchema.parse({
      detectors: { card: { mode: 'partial' }, email: { mode: 'hmac' } },
      // The schema wants a reference; the key itself is passed below.
      hmacKey: { env: 'UNUSED' },
    }),
    {
      hmacKey: new TextEncoder().encode('bench-only-hmac-key'),
    },
  ),
);
if (sink === 0) console.log('');
