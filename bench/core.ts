/**
 * `npm run bench`: the processing core (parse, normalize, filter, mask, aggregate, serialize) against the floor
 * (JSON.parse + JSON.stringify of the same lines), in one process on one core, same corpus, same run.
 */
import { loadConfig } from '../shared/config/load.ts';
import { createPipeline } from '../shared/pipeline/pipeline.ts';
import { parseLogLine } from '../shared/record/parse-line.ts';
import type { LogRecord } from '../shared/record/record.ts';
import { makeCorpus } from './corpus.ts';

const LINES = Number(process.env.BENCH_LINES ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const BATCH = 500;

const config = loadConfig('config/example.yaml');
const tenant = config.tenants[0]!;
const pipeline = createPipeline(tenant.pipeline, {
  hmacKey: new TextEncoder().encode('bench-only-hmac-key'),
});
const corpus = makeCorpus(LINES);
const bytes = corpus.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
const personal = corpus.filter((l) => /@|4111|Bearer|AKIA|\+1415|GB82|123-45|postgres:|00:1a/.test(l)).length;

let kept = 0;
let coreRounds = 0;
function core(): void {
  let seq = 0;
  const ctx = {
    tenant: tenant.id,
    region: tenant.homeRegion,
    protocol: 'bench',
    receivedAt: Date.UTC(2026, 10, 1),
    nextId: () => `b-${seq++}`,
  };
  for (let i = 0; i < corpus.length; i += BATCH) {
    const records: LogRecord[] = [];
    const end = Math.min(corpus.length, i + BATCH);
    for (let j = i; j < end; j++) records.push(parseLogLine(corpus[j]!, ctx));
    kept += pipeline.run(records).outputs.length;
  }
  coreRounds++;
}

let sink = 0;
function floor(): void {
  for (const line of corpus) {
    const value = line.charCodeAt(0) === 123 ? JSON.parse(line) : { message: line };
    sink += JSON.stringify(value).length;
  }
}

/** Runs `fn` over the corpus repeatedly for `SECONDS`, after a warm-up; returns MiB/s and lines/s. */
function measure(name: string, fn: () => void): { mibs: number; rps: number } {
  const warm = performance.now();
  while (performance.now() - warm < 1000) fn();
  let rounds = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    fn();
    rounds++;
  }
  const secs = (performance.now() - t0) / 1000;
  const mibs = (bytes * rounds) / secs / 1_048_576;
  const rps = (corpus.length * rounds) / secs;
  console.log(
    `${name.padEnd(6)} ${mibs.toFixed(1).padStart(7)} MiB/s ${Math.round(rps).toString().padStart(9)} records/s (${rounds} rounds)`,
  );
  return { mibs, rps };
}

console.log(
  `corpus: ${corpus.length} lines, ${(bytes / 1_048_576).toFixed(1)} MiB, ${Math.round((100 * personal) / corpus.length)}% with personal data or secrets; node ${process.version}`,
);
const f = measure('floor', floor);
const c = measure('core', core);
console.log(
  `kept ${Math.round(kept / coreRounds)} of ${corpus.length} lines per round${sink > 0 ? '' : ' '}`,
);
console.log(
  `bench: core ${c.mibs.toFixed(1)} MiB/s, ${Math.round(c.rps)} records/s, floor ${f.mibs.toFixed(1)} MiB/s, ratio ${(c.mibs / f.mibs).toFixed(2)}`,
);
