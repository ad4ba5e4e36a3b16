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
import { makeMaskCorpus } from '../test/helpers/mask-corpus.ts';
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

// --- Quality: recall and precision on the labelled corpus (test/helpers/mask-corpus.ts) ---------------------

/** Every string the masked record would store: message, service, keys and values at any depth. */
function strings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
}
/** The forms a secret may survive in: raw, URL-encoded, JSON-escaped once or twice. */
const forms = (secret: string): string[] => {
  const once = JSON.stringify(secret).slice(1, -1);
  return [secret, encodeURIComponent(secret), once, JSON.stringify(once).slice(1, -1)];
};

const labelled = makeMaskCorpus(
  Number(process.env.MASK_PER_TYPE ?? 300),
  Number(process.env.MASK_PER_LOOKALIKE ?? 300),
);
const quality = createMasker(maskSchema.parse({}));
const byType = new Map<string, { n: number; ok: number }>();
let tp = 0;
let fn = 0;
let fp = 0;
let tn = 0;
const misses: string[] = [];
for (const { record, type, secret } of labelled) {
  const masked = quality.maskRecord(record, {});
  const stat = byType.get(type) ?? { n: 0, ok: 0 };
  stat.n++;
  if (secret !== undefined) {
    const all: string[] = [];
    strings({ m: masked.message, s: masked.service, a: masked.attributes }, all);
    const text = all.join('\n');
    const leaked = forms(secret).some((f) => f.length > 0 && text.includes(f));
    if (leaked) {
      fn++;
      if (misses.length < 12)
        misses.push(
          `${type}: ${JSON.stringify(record.message).slice(0, 140)} ${JSON.stringify(record.attributes).slice(0, 120)}`,
        );
    } else {
      tp++;
      stat.ok++;
    }
  } else if (JSON.stringify(masked) !== JSON.stringify(record)) {
    fp++;
    if (misses.length < 24)
      misses.push(
        `FP ${type}: ${JSON.stringify(record.message).slice(0, 140)} → ${JSON.stringify(masked.message).slice(0, 140)}`,
      );
  } else {
    tn++;
    stat.ok++;
  }
  byType.set(type, stat);
}
console.log(`\nquality corpus: ${labelled.length} records (${tp + fn} positives, ${fp + tn} negatives)`);
for (const [type, { n, ok }] of [...byType].sort()) {
  const negative = type.includes(':');
  console.log(
    `  ${type.padEnd(38)} ${String(n).padStart(5)}  ${negative ? 'false-positive rate' : 'recall'} ${(negative ? (n - ok) / n : ok / n).toFixed(4)}`,
  );
}
for (const m of misses) console.log(`  miss ${m}`);
const recall = tp / (tp + fn);
const precision = tp / (tp + fp);
// Throughput of the defaults on the labelled corpus itself (its records are short and identifier-dense).
const qBytes = labelled.reduce((n, l) => n + Buffer.byteLength(JSON.stringify(l.record)), 0);
const t0 = performance.now();
let rounds = 0;
while (performance.now() - t0 < SECONDS * 1000) {
  const audit = {};
  for (const l of labelled) sink += quality.maskRecord(l.record, audit).message.length;
  rounds++;
}
const qMibs = (qBytes * rounds) / ((performance.now() - t0) / 1000) / 1_048_576;
console.log(
  `bench: mask recall ${recall.toFixed(4)}, precision ${precision.toFixed(4)}, ${qMibs.toFixed(1)} MiB/s`,
);
