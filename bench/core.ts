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

interface Figure {
  mibs: number;
  rps: number;
}

/**
 * Runs floor and core rounds (one pass over the corpus each) alternately for `SECONDS` each, after a warm-up, and
 * takes each one's median round: both see the same machine state, so a noisy neighbour or a frequency change
 * moves both figures instead of the ratio.
 */
function measure(fns: Record<'floor' | 'core', () => void>): Record<'floor' | 'core', Figure> {
  const warm = performance.now();
  while (performance.now() - warm < 1000) {
    fns.floor();
    fns.core();
  }
  const rounds = { floor: [] as number[], core: [] as number[] };
  const spent = { floor: 0, core: 0 };
  while (spent.floor < SECONDS * 1000 || spent.core < SECONDS * 1000) {
    for (const name of ['floor', 'core'] as const) {
      const t0 = performance.now();
      fns[name]();
      const ms = performance.now() - t0;
      rounds[name].push(ms);
      spent[name] += ms;
    }
  }
  const figure = (name: 'floor' | 'core'): Figure => {
    const sorted = [...rounds[name]].sort((a, b) => a - b);
    const secs = sorted[Math.floor(sorted.length / 2)]! / 1000;
    const f = { mibs: bytes / secs / 1_048_576, rps: corpus.length / secs };
    const mean = bytes / (spent[name] / sorted.length / 1000) / 1_048_576;
    console.log(
      `${name.padEnd(6)} ${f.mibs.toFixed(1).padStart(7)} MiB/s ${Math.round(f.rps).toString().padStart(9)} records/s (median of ${sorted.length} rounds; mean ${mean.toFixed(1)} MiB/s)`,
    );
    return f;
  };
  return { floor: figure('floor'), core: figure('core') };
}

console.log(
  `corpus: ${corpus.length} lines, ${(bytes / 1_048_576).toFixed(1)} MiB, ${Math.round((100 * personal) / corpus.length)}% with personal data or secrets; node ${process.version}`,
);
const { floor: f, core: c } = measure({ floor, core });
console.log(
  `kept ${Math.round(kept / coreRounds)} of ${corpus.length} lines per round${sink > 0 ? '' : ' '}`,
);
console.log(
  `bench: core ${c.mibs.toFixed(1)} MiB/s, ${Math.round(c.rps)} records/s, floor ${f.mibs.toFixed(1)} MiB/s, ratio ${(c.mibs / f.mibs).toFixed(2)}`,
);
