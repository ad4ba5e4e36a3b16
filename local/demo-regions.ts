import { createDynamoAggregateStore } from '../shared/adapters/aggregate-store.ts';
import { listObjects, readAllLines } from '../shared/adapters/bucket-reader.ts';
import { createClients } from '../shared/adapters/clients.ts';
import type { LocalRegionState, LocalState } from '../shared/local/state.ts';
import { queryAggregates } from '../shared/query/query.ts';

/**
 * `npm run demo -- --regions`: against `npm start -- --regions …`, shows residency in a few lines — each region
 * stores its tenant's records, refuses the others', and every region's replica of the global table ends up with
 * every region's aggregates, a replication lag later.
 */

const TIMEOUT_MS = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function records(tenant: string, n: number, run: number) {
  return Array.from({ length: n }, (_, i) => ({
    service: ['checkout', 'search', 'auth'][i % 3],
    level: i % 10 === 0 ? 'error' : 'info',
    message: `order ${run}-${i} by ${tenant}.user${i}@example.com from 10.0.${i % 250}.9`,
  }));
}

async function post(url: string, key: string, body: object[]): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    body: `${body.map((r) => JSON.stringify(r)).join('\n')}\n`,
  });
  return { status: res.status, text: await res.text() };
}

async function storedFor(r: LocalRegionState, tenant: string, run: string): Promise<number> {
  const { s3 } = createClients({ awsRegion: r.awsRegion, endpoints: r.endpoints });
  const keys = (await listObjects(s3, r.bucket, `records/tenant=${tenant}/`)).map((o) => o.key);
  const lines = [...(await readAllLines(s3, r.bucket, keys)).values()].flat();
  return lines.filter((l) => l.includes(`order ${run}-`)).length;
}

async function totalFrom(
  r: LocalRegionState,
  regions: string[],
  tenant: string,
  since: number,
): Promise<number> {
  const { dynamodb } = createClients({ awsRegion: r.awsRegion, endpoints: r.endpoints });
  const reader = createDynamoAggregateStore(dynamodb, r.table);
  const result = await queryAggregates(reader, {
    tenant,
    from: since - 120_000,
    to: Date.now() + 60_000,
    regions,
  });
  return result.total.count;
}

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  const end = Date.now() + TIMEOUT_MS;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(200);
  }
}

export async function regionsDemo(state: LocalState, perRegion: number, out: (line: string) => void) {
  const regions = state.regions ?? {};
  const names = Object.keys(regions);
  if (names.length < 2) {
    throw new Error('the local stack runs one region: start it with `npm start -- --regions all` first');
  }
  const run = String(Date.now() % 1_000_000);
  const started = Date.now();
  const baseline: Record<string, number> = {};
  for (const name of names) {
    const r = regions[name]!;
    baseline[r.tenant] = await totalFrom(r, names, r.tenant, started);
  }
  out(
    `sending ${perRegion} records with e-mails and IPs to each of ${names.length} regions, each by its own tenant`,
  );
  for (const name of names) {
    const r = regions[name]!;
    const all = records(r.tenant, perRegion, Number(run));
    for (let i = 0; i < all.length; i += 500) {
      const res = await post(r.ingestUrl, r.apiKey, all.slice(i, i + 500));
      if (res.status !== 200) throw new Error(`${name} answered ${res.status}: ${res.text}`);
    }
  }
  // One cross-region post per region: the tenant's key at the next region's endpoint.
  for (const [i, name] of names.entries()) {
    const r = regions[name]!;
    const other = names[(i + 1) % names.length]!;
    const res = await post(regions[other]!.ingestUrl, r.apiKey, records(r.tenant, 1, Number(run)));
    const message = (JSON.parse(res.text) as { message?: string }).message ?? res.text;
    out(`  ${r.tenant}'s key at ${other}: ${res.status} ${message}`);
  }
  out('');
  out('records (raw, masked) stay in their home region:');
  for (const name of names) {
    const r = regions[name]!;
    const home = await until(async () => {
      const n = await storedFor(r, r.tenant, run);
      return n >= perRegion ? n : undefined;
    }, `${name}'s records in its bucket`);
    let elsewhere = 0;
    for (const o of names.filter((x) => x !== name)) elsewhere += await storedFor(regions[o]!, r.tenant, run);
    out(
      `  ${name.padEnd(4)} ${r.tenant}: ${home} in ${r.bucket}, ${elsewhere} in the other regions' buckets`,
    );
  }
  out('');
  out(
    "aggregates (only they) replicate: each tenant's total as every region's replica of the global table sees it",
  );
  for (const name of names) {
    const r = regions[name]!;
    const want = (baseline[r.tenant] ?? 0) + perRegion;
    const seen: string[] = [];
    let homeAt = 0;
    for (const from of [name, ...names.filter((x) => x !== name)]) {
      const at = await until(async () => {
        const n = await totalFrom(regions[from]!, names, r.tenant, started);
        return n >= want ? Date.now() : undefined;
      }, `${r.tenant}'s total from ${from}`);
      if (from === name) homeAt = at;
      const lag = from === name ? 'home' : `+${((at - homeAt) / 1000).toFixed(1)} s`;
      seen.push(`${from} ${await totalFrom(regions[from]!, names, r.tenant, started)} (${lag})`);
    }
    out(`  ${r.tenant.padEnd(8)} ${seen.join(' · ')}`);
  }
  out('');
  out('try: npx sluice query --tenant <id> --region <name>   (the same totals from every region)');
}
