import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { listObjects, readObjectLines } from '../shared/adapters/bucket-reader.ts';
import { createClients } from '../shared/adapters/clients.ts';
import { DEFAULT_LOCAL_STATE_PATH, type LocalState, readLocalState } from '../shared/local/state.ts';
import { type LocalStack, startLocalStack } from './stack.ts';

/**
 * `npm run load [-- --duration 20 --connections 8 --lines 500 --self]`: autocannon on loopback against the running
 * stack (or, with --self or when none runs, one it starts in memory), then end to end: records/s from the first POST
 * to the last record visible in S3, and the p99 of POST → visible (observed by polling the bucket every 250 ms, so
 * latencies carry up to 250 ms of polling granularity on top of the configured batching window).
 */

const MiB = 1024 * 1024;

async function running(path: string): Promise<LocalState | undefined> {
  try {
    const state = readLocalState(path);
    const res = await fetch(`${state.ingestUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? state : undefined;
  } catch {
    return undefined;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '20' },
      connections: { type: 'string', default: '8' },
      lines: { type: 'string', default: '500' },
      state: { type: 'string', default: DEFAULT_LOCAL_STATE_PATH },
      self: { type: 'boolean', default: false },
    },
  });
  const duration = Number(values.duration);
  const lines = Number(values.lines);
  let stack: LocalStack | undefined;
  let state = values.self ? undefined : await running(values.state);
  if (!state) {
    process.stderr.write('load: no local stack answering; starting one in memory for this run\n');
    stack = await startLocalStack({
      memory: true,
      port: 0,
      stateDir: mkdtempSync(join(tmpdir(), 'sluice-load-')),
      log: (l) => process.stderr.write(`${l}\n`),
    });
    state = stack.state;
  }
  const s3 = createClients({ awsRegion: state.awsRegion, endpoints: state.endpoints }).s3;
  const before = new Set((await listObjects(s3, state.bucket, 'records/')).map((o) => o.key));

  // Every line unique (the `repeats` rule would summarise identical ones) and stamped with its send time.
  let requestNo = 0;
  let bodyBytes = 0;
  let bodies = 0;
  const makeBody = () => {
    const now = Date.now();
    const r = requestNo++;
    const out: string[] = [];
    for (let i = 0; i < lines; i++) {
      out.push(
        `{"service":"load-${i % 4}","level":"info","message":"load line ${r}/${i} served","sent_at":${now},"http":{"status":200},"duration_ms":${i}}`,
      );
    }
    const body = `${out.join('\n')}\n`;
    bodyBytes += body.length;
    bodies++;
    return body;
  };

  // Watch the bucket while the load runs: first sighting of each object = when its records became visible.
  const latencies: number[] = [];
  let visible = 0;
  // A record seen in two objects would be a duplicate: reported, not counted twice.
  const ids = new Set<string>();
  let duplicates = 0;
  let lastVisibleAt = 0;
  const seen = new Set(before);
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const t0 = Date.now();
      const fresh = (await listObjects(s3, state.bucket, 'records/')).filter((o) => !seen.has(o.key));
      for (const o of fresh) seen.add(o.key);
      const seenAt = Date.now();
      for (const o of fresh) {
        for (const line of await readObjectLines(s3, state.bucket, o.key)) {
          const m = /"sent_at":(\d+)/.exec(line);
          const id = /load line (\d+\/\d+) served/.exec(line)?.[1];
          if (!m || !id) continue;
          if (ids.has(id)) {
            duplicates++;
            continue;
          }
          ids.add(id);
          latencies.push(seenAt - Number(m[1]));
          visible++;
          lastVisibleAt = seenAt;
        }
      }
      await new Promise((r) => setTimeout(r, Math.max(0, 250 - (Date.now() - t0))));
    }
  })();

  const started = Date.now();
  const result = await autocannon({
    url: state.ingestUrl,
    connections: Number(values.connections),
    duration,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: '/ingest',
        headers: { authorization: `Bearer ${state.apiKey}`, 'content-type': 'application/x-ndjson' },
        setupRequest: (req) => ({ ...req, body: makeBody() }),
      },
    ],
  });
  const accepted = result['2xx'] * lines;
  // Wait for the pipeline to drain what was accepted (bounded).
  const until = Date.now() + 60_000;
  while (visible < accepted && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
  watching = false;
  await watch;

  const ingestSeconds = result.duration;
  const reqPerSec = result['2xx'] / ingestSeconds;
  const mibPerSec = ((bodyBytes / Math.max(bodies, 1)) * result['2xx']) / MiB / ingestSeconds;
  const e2eSeconds = (lastVisibleAt - started) / 1000;
  const e2e = e2eSeconds > 0 ? visible / e2eSeconds : 0;
  latencies.sort((a, b) => a - b);
  const byStatus = Object.entries(result.statusCodeStats)
    .map(([code, s]) => `${code}: ${s.count}`)
    .join(', ');
  process.stdout.write(
    [
      `ingest: ${result['2xx']} requests accepted in ${ingestSeconds.toFixed(1)} s (${lines} lines each, ${values.connections} connections)`,
      `  status codes: ${byStatus || 'none'}; connection errors ${result.errors}, timeouts ${result.timeouts}`,
      `  latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
      `end to end: ${visible} distinct records visible in S3 (${accepted} acknowledged within the run, plus those of ` +
        `requests still in flight at its end; ${duplicates} duplicates) after ${e2eSeconds.toFixed(1)} s; ` +
        `POST → visible p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`,
      `load: ingest ${Math.round(reqPerSec)} req/s, ${mibPerSec.toFixed(2)} MiB/s, p99 ${result.latency.p99} ms; ` +
        `end-to-end ${Math.round(e2e)} records/s, p99 ${percentile(latencies, 99)} ms`,
      '',
    ].join('\n'),
  );
  await stack?.stop();
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run load: ${(err as Error).message}\n`);
  process.exit(1);
});
