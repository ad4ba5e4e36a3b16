import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDynamoAggregateStore } from '../shared/adapters/aggregate-store.ts';
import { listObjects, readAllLines } from '../shared/adapters/bucket-reader.ts';
import { createClients } from '../shared/adapters/clients.ts';
import { DEFAULT_LOCAL_STATE_PATH, readLocalState } from '../shared/local/state.ts';
import { regionsDemo } from './demo-regions.ts';
import { createDemoTraffic, DEMO_PROTOCOLS, type DemoProtocol, encodeDemo } from './demo-traffic.ts';
import { byDimension, type MetricTotals } from './metrics-recorder.ts';

/**
 * `npm run demo [-- --records N] [--regions]`: mixed traffic to the running local stack (`npm start`), then a summary a
 * newcomer can read: what was sent, stored, dropped and why, masked, aggregated.
 */

const PER_REQUEST = 100;
const CONCURRENCY = 4;
const fmt = (n: number) => n.toLocaleString('en-US');
const top = (o: Record<string, number>, n = 6) =>
  Object.entries(o)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(' · ') || 'none';

function readMetrics(path: string): MetricTotals {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as MetricTotals;
  } catch {
    return {};
  }
}

function diff(after: MetricTotals, before: MetricTotals): MetricTotals {
  const out: MetricTotals = {};
  for (const [k, v] of Object.entries(after)) out[k] = v - (before[k] ?? 0);
  return out;
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { values } = parseArgs({
    options: {
      records: { type: 'string', short: 'n', default: '4000' },
      state: { type: 'string', default: DEFAULT_LOCAL_STATE_PATH },
      regions: { type: 'boolean', default: false },
    },
  });
  const total = Number(values.records);
  if (!Number.isInteger(total) || total < 1) throw new Error('--records must be a positive integer');
  const state = readLocalState(values.state);
  if (values.regions) {
    // `npm run demo -- --regions`: residency across the regions of `npm start -- --regions …` (--records per region).
    await regionsDemo(state, total, (line) => process.stdout.write(`${line}\n`));
    return;
  }
  const metricsPath = join(dirname(values.state), 'metrics.json');
  const keys = state.keys ?? { [state.tenant]: state.apiKey };
  const tenants = Object.keys(keys);
  const clients = createClients({ awsRegion: state.awsRegion, endpoints: state.endpoints });

  const before = readMetrics(metricsPath);
  const knownObjects = new Set((await listObjects(clients.s3, state.bucket, 'records/')).map((o) => o.key));
  const started = Date.now();
  const traffic = createDemoTraffic(started % 1000);
  const sentBy: Record<DemoProtocol, number> = { ndjson: 0, otlp: 0, hec: 0, 'es-bulk': 0 };
  const services = new Set<string>();
  let sent = 0;
  let refused = 0;
  let request = 0;
  const requests = Math.ceil(total / PER_REQUEST);
  // Progress for long runs, on a terminal only, rewritten in place.
  let status = '';
  const show = (line: string) => {
    status = line;
  };
  const progress = setInterval(() => {
    if (process.stderr.isTTY && status) process.stderr.write(`\r${status.padEnd(70)}\r`);
  }, 1000);
  show('');

  const worker = async () => {
    while (request < requests) {
      const r = request++;
      const n = Math.min(PER_REQUEST, total - r * PER_REQUEST);
      const records = Array.from({ length: n }, (_, i) => traffic(r * PER_REQUEST + i));
      for (const rec of records) services.add(rec.service);
      const protocol = DEMO_PROTOCOLS[r % DEMO_PROTOCOLS.length]!;
      const tenant = tenants[r % tenants.length]!;
      const { path, contentType, body, authScheme } = encodeDemo(protocol, records, Date.now());
      const res = await fetch(`${state.ingestUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `${authScheme} ${keys[tenant]}`, 'content-type': contentType },
        body,
      });
      await res.arrayBuffer();
      show(`  sending... ${fmt(sent)}/${fmt(total)} records`);
      if (res.ok) {
        sent += n;
        sentBy[protocol] += n;
      } else refused += n;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const sentMs = Date.now() - started;

  // Processed = the processor has taken in at least what was sent and the bucket stopped changing.
  let newKeys: string[] = [];
  let lastCount = -1;
  let stableSince = Date.now();
  const deadline = Date.now() + 60_000 + total;
  while (Date.now() < deadline) {
    const m = diff(readMetrics(metricsPath), before);
    newKeys = (await listObjects(clients.s3, state.bucket, 'records/'))
      .map((o) => o.key)
      .filter((k) => !knownObjects.has(k));
    if (newKeys.length !== lastCount) {
      lastCount = newKeys.length;
      stableSince = Date.now();
    }
    show(`  processing... ${fmt(m['RecordsIn'] ?? 0)}/${fmt(sent)} records taken in by the processor`);
    if ((m['RecordsIn'] ?? 0) >= sent && Date.now() - stableSince > 2_500) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  clearInterval(progress);
  const processedMs = Date.now() - started;
  const m = diff(readMetrics(metricsPath), before);
  const lines = [...(await readAllLines(clients.s3, state.bucket, newKeys)).values()].flat();

  const reader = createDynamoAggregateStore(clients.dynamodb, state.table);
  const perService: Record<string, number> = {};
  const patterns: Record<string, number> = {};
  for (const tenant of tenants) {
    const agg = await reader.read({
      region: state.region,
      tenant,
      from: started - 3_600_000,
      to: Date.now() + 3_600_000,
    });
    for (const c of agg.counts) {
      if (services.has(c.service)) perService[c.service] = (perService[c.service] ?? 0) + c.count;
    }
    for (const p of agg.patterns) {
      const t = p.template.length > 60 ? `${p.template.slice(0, 57)}...` : p.template;
      patterns[`"${t}"`] = (patterns[`"${t}"`] ?? 0) + p.count;
    }
  }

  const out = [
    `sluice demo: ${fmt(sent)} records sent for ${tenants.join(', ')} (${services.size} services) over ${DEMO_PROTOCOLS.map((p) => `${p} ${fmt(sentBy[p])}`).join(', ')}${refused ? `; ${fmt(refused)} refused` : ''}`,
    `  stored     ${fmt(lines.length)} masked records in ${fmt(newKeys.length)} new gzip NDJSON objects in s3://${state.bucket}/records/`,
    `  dropped    ${fmt(Object.values(byDimension(m, 'RecordsDropped')).reduce((a, b) => a + b, 0))} by rule: ${top(byDimension(m, 'RecordsDropped'))}`,
    `  masked     ${fmt(Object.values(byDimension(m, 'ValuesMasked')).reduce((a, b) => a + b, 0))} values: ${top(byDimension(m, 'ValuesMasked'), 8)}`,
    `  aggregates records per service (this hour, table ${state.table}): ${top(perService)}`,
    `  patterns   top: ${top(patterns, 3)}`,
    `  failed     ${fmt(Object.values(byDimension(m, 'RecordsFailed')).reduce((a, b) => a + b, 0))} records parked in s3://${state.bucket}/failed/`,
    `  time       sent in ${(sentMs / 1000).toFixed(1)} s, processed after ${(processedMs / 1000).toFixed(1)} s (processor counts are per delivery: retries count again)`,
    '  next       npx sluice tail -n 1   ·   curl your own lines (see npm start output)   ·   docs/local.md',
  ];
  if (process.stderr.isTTY) process.stderr.write(`\r${' '.repeat(70)}\r`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run demo: ${(err as Error).message}\n`);
  process.exit(1);
});
