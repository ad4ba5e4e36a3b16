import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCommand } from '../../cli/commands/query.ts';
import { type MultiRegionStack, startMultiRegionStack } from '../../local/multi-region.ts';
import { listObjects, readAllLines } from '../../shared/adapters/bucket-reader.ts';
import type { QueryResult } from '../../shared/query/summarize.ts';
import { postNdjson } from '../helpers/e2e.ts';
import { countTokens, tid, waitFor } from '../helpers/local.ts';

/**
 * Residency end to end on the multi-region local stack (`npm start -- --regions eu,us`) with the example config:
 * acme is homed in eu, globex in us. Records carry personal data; each region keeps its tenant's records, refuses
 * the other's, and only aggregates travel, through the global table's replicator.
 */

let multi: MultiRegionStack;
let statePath: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-regions-'));
  statePath = join(dir, 'local.json');
  multi = await startMultiRegionStack({
    regions: ['eu', 'us'],
    memory: true,
    port: 0,
    stateDir: dir,
    replication: { delayMs: 200, jitterMs: 300 },
    esm: { batchingWindowSeconds: 0, pollIntervalMs: 50 },
    log: (line) => console.warn(line),
  });
});
afterAll(async () => {
  await multi?.stop();
});

const HOME = { acme: 'eu', globex: 'us' } as const;
type Tenant = keyof typeof HOME;
const OTHER = { eu: 'us', us: 'eu' } as const;

/** Personal values sent, per tenant: none may be found in the other region. */
const personal: Record<Tenant, Set<string>> = { acme: new Set(), globex: new Set() };
/** Identifiers no detector knows (names, passwords): the masker lets them through, the roll-up must not. */
const unknown: Record<Tenant, Set<string>> = { acme: new Set(), globex: new Set() };
/** Tokens of the records each tenant's home region must store. */
const sent: Record<Tenant, Set<string>> = { acme: new Set(), globex: new Set() };
let n = 0;

const region = (r: 'eu' | 'us') => multi.state.regions![r]!;
const key = (t: Tenant) => multi.state.keys![t]!;

/** One round of traffic for a tenant to its home region: NDJSON, OTLP/HTTP JSON, Elasticsearch _bulk, Splunk HEC. */
async function traffic(tenant: Tenant, perProtocol: number): Promise<void> {
  const url = region(HOME[tenant]).ingestUrl;
  const auth = { authorization: `Bearer ${key(tenant)}` };
  const record = (service: string) => {
    const t = tid(n++);
    const email = `${tenant}.user${n}@example.com`;
    const ip = `10.${n % 250}.${(n * 7) % 250}.${(n * 13) % 250}`;
    sent[tenant].add(t);
    personal[tenant].add(email).add(ip);
    return { service, level: 'info', message: `login ok for ${email} from ${ip} ${t}` };
  };
  await postNdjson(
    url,
    key(tenant),
    Array.from({ length: perProtocol }, () => record('web')),
  );
  const missed = Array.from({ length: perProtocol }, (_, i) => {
    const r = record('auth');
    const token = r.message.split(' ').pop()!;
    // A first name and a surname unique to the record: letters only, so no detector claims it.
    const surname = `Okonkwo${token.slice(4)}${tenant}`;
    unknown[tenant].add(surname);
    personal[tenant].add(surname);
    const first = ['Bartholomew', 'Wilhelmina', 'Evangeline', 'Thaddeus'][i % 4]!;
    return { ...r, message: `password reset requested by ${first} ${surname} ${token}` };
  });
  await postNdjson(url, key(tenant), missed);
  const otlp = Array.from({ length: perProtocol }, () => record('otel-app'));
  const res = await fetch(`${url}/v1/logs`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'otel-app' } }] },
          scopeLogs: [
            {
              logRecords: otlp.map((r) => ({
                timeUnixNano: `${Date.now()}000000`,
                severityNumber: 9,
                severityText: 'INFO',
                body: { stringValue: r.message },
              })),
            },
          ],
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
  const bulk = Array.from({ length: perProtocol }, () => record('es-app'));
  const esRes = await fetch(`${url}/_bulk`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/x-ndjson' },
    body: `${bulk.map((d) => `{"create":{"_index":"logs"}}\n${JSON.stringify(d)}`).join('\n')}\n`,
  });
  expect(esRes.status).toBe(200);
  expect(((await esRes.json()) as { errors: boolean }).errors).toBe(false);
  const hec = Array.from({ length: perProtocol }, () => record('hec-app'));
  const hecRes = await fetch(`${url}/services/collector/event`, {
    method: 'POST',
    headers: { authorization: `Splunk ${key(tenant)}` },
    body: hec.map((event) => JSON.stringify({ event })).join(''),
  });
  expect(hecRes.status).toBe(200);
}

async function bucketLines(r: 'eu' | 'us', prefix = ''): Promise<string[]> {
  const { s3 } = multi.stacks[r]!.clients;
  const bucket = region(r).bucket;
  const objects = await listObjects(s3, bucket, prefix);
  const lines = await readAllLines(
    s3,
    bucket,
    objects.map((o) => o.key),
  );
  return [...lines.values()].flat();
}

/** Everything a region's DynamoDB holds (its replica of the global table and any regional table), as text. */
async function tablesText(r: 'eu' | 'us', only?: string): Promise<string> {
  const { dynamodb } = multi.stacks[r]!.clients;
  const out: string[] = [];
  const names = only ? [only] : ((await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const name of names) {
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: name, ...(start && { ExclusiveStartKey: start }) }),
      );
      out.push(JSON.stringify(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return out.join('\n');
}

/** `sluice query --tenant T --region R --json` against the multi-region local.json. */
async function query(tenant: Tenant, r: 'eu' | 'us', ...extra: string[]): Promise<QueryResult> {
  const chunks: string[] = [];
  const stdout = new PassThrough();
  stdout.on('data', (d: Buffer) => chunks.push(d.toString()));
  const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough() };
  const code = await queryCommand.run(
    ['--state', statePath, '--tenant', tenant, '--region', r, '--json', ...extra],
    io,
  );
  expect(code).toBe(0);
  return JSON.parse(chunks.join('')) as QueryResult;
}

const drained = () => Promise.all(Object.values(multi.stacks).map((s) => s.runner()!.drained(120_000)));

/** Both regions' `sluice query` answer `expected` records for each tenant (the global view lags by seconds). */
async function bothRegionsAnswer(expected: Record<Tenant, number>, timeoutMs = 45_000) {
  let last: Record<string, unknown> = {};
  await waitFor(
    async () => {
      last = {};
      for (const tenant of ['acme', 'globex'] as const) {
        for (const r of ['eu', 'us'] as const) last[`${tenant}@${r}`] = (await query(tenant, r)).byRegion;
      }
      for (const tenant of ['acme', 'globex'] as const) {
        for (const r of ['eu', 'us'] as const) {
          if ((await query(tenant, r)).total.count !== expected[tenant]) return undefined;
        }
      }
      return true;
    },
    timeoutMs,
    `both regions answering ${JSON.stringify(expected)}`,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last answers ${JSON.stringify(last)}`);
  });
}

describe('residency across regions on the local stack', () => {
  it('writes one local.json entry per region, each with its own endpoint, emulators and bucket', () => {
    const { eu, us } = multi.state.regions!;
    expect(eu!.tenant).toBe('acme');
    expect(us!.tenant).toBe('globex');
    expect(eu!.ingestUrl).not.toBe(us!.ingestUrl);
    expect(eu!.endpoints.dynamodb).not.toBe(us!.endpoints.dynamodb);
    expect(eu!.endpoints.s3).not.toBe(us!.endpoints.s3);
    expect(eu!.bucket).not.toBe(us!.bucket);
    expect(eu!.table).toBe(us!.table); // one global table, a replica in each region
    expect(multi.state.ingestUrl).toBe(eu!.ingestUrl); // the top level stays the first region's
  });

  it('keeps records in their home region, refuses cross-region posts, and replicates only aggregates', async () => {
    await Promise.all([traffic('acme', 30), traffic('globex', 25)]);

    // A tenant's key at the other region's endpoint: 403 naming its home region and that region's URL.
    for (const tenant of ['acme', 'globex'] as const) {
      const home = HOME[tenant];
      const t = tid(n++);
      const res = await fetch(`${region(OTHER[home]).ingestUrl}/ingest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key(tenant)}`, 'content-type': 'application/x-ndjson' },
        body: `${JSON.stringify({ service: 'web', level: 'info', message: `refused ${tenant}.x@example.com ${t}` })}\n`,
      });
      expect(res.status).toBe(403);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error).toBe('wrongRegion');
      expect(body.message).toContain(`homed in region "${home}"`);
      expect(body.message).toContain(region(home).ingestUrl);
      personal[tenant].add(`${tenant}.x@example.com`);
      personal[tenant].add(t);
    }

    await drained();
    for (const tenant of ['acme', 'globex'] as const) {
      const home = HOME[tenant];
      const homeTokens = countTokens(await bucketLines(home, `records/tenant=${tenant}/`));
      expect([...homeTokens.keys()].sort()).toEqual([...sent[tenant]].sort());
      expect([...homeTokens.values()].every((c) => c === 1)).toBe(true);
      // The other region stored nothing of this tenant: no object, no token, no personal value.
      const other = OTHER[home];
      const otherTokens = countTokens(await bucketLines(other));
      expect(await bucketLines(other, `records/tenant=${tenant}/`)).toEqual([]);
      expect([...sent[tenant]].filter((t) => otherTokens.has(t))).toEqual([]);
    }

    // Each region's replica holds both regions' aggregates: `sluice query` answers the buckets' totals anywhere.
    await bothRegionsAnswer({ acme: sent.acme.size, globex: sent.globex.size });
    const acmeFromUs = await query('acme', 'us');
    expect(acmeFromUs.byRegion).toEqual({ eu: sent.acme.size, us: 0 });
    expect((await query('globex', 'eu')).byRegion).toEqual({ eu: 0, us: sent.globex.size });
    expect(multi.replicator.stats().applied).toBeGreaterThan(0);

    // Leak scan: no personal value of a tenant (nor a refused record's token) anywhere in the other region's stores.
    for (const tenant of ['acme', 'globex'] as const) {
      const other = OTHER[HOME[tenant]];
      const stores = `${(await bucketLines(other)).join('\n')}\n${await tablesText(other)}`;
      const leaked = [...personal[tenant]].filter((v) => stores.includes(v));
      expect(leaked).toEqual([]);
      // What the masker missed is in the home bucket (stored as sent) but in no replica of the global table.
      const home = HOME[tenant];
      expect((await bucketLines(home)).join('\n')).toContain([...unknown[tenant]][0]);
      for (const r of ['eu', 'us'] as const) {
        const global = await tablesText(r, multi.state.table);
        expect([...unknown[tenant]].filter((v) => global.includes(v))).toEqual([]);
      }
    }

    // Masked examples are read in the home region only; asked elsewhere, the CLI says where they are.
    const examples = await query('acme', 'eu', '--examples', '--top', '1000');
    expect(examples.patterns.length).toBeGreaterThan(0);
    expect(examples.patterns.every((p) => p.example.length > 0)).toBe(true);
    expect(examples.patterns.some((p) => p.example.includes('<email'))).toBe(true);
    const rawEmails = [...personal.acme].filter((v) => v.includes('@'));
    expect(rawEmails.filter((v) => examples.patterns.some((p) => p.example.includes(v)))).toEqual([]);
    await expect(query('acme', 'us', '--examples')).rejects.toThrow(/home region "eu": run with --region eu/);
  });

  it('heals a partition during traffic to the same totals in both regions', async () => {
    const before = { acme: sent.acme.size, globex: sent.globex.size };
    multi.replicator.pause();
    try {
      await Promise.all([traffic('acme', 10), traffic('globex', 10)]);
      await drained();
      // Each region sees its own new records at once (its own items) and the other's frozen at the old total.
      await waitFor(
        async () => (await query('acme', 'eu')).total.count === sent.acme.size || undefined,
        30_000,
        'eu seeing its own records during the partition',
      );
      expect((await query('acme', 'us')).total.count).toBe(before.acme);
      expect((await query('globex', 'eu')).total.count).toBe(before.globex);
      expect(multi.replicator.stats().pending).toBeGreaterThan(0);
    } finally {
      multi.replicator.resume();
    }
    await bothRegionsAnswer({ acme: sent.acme.size, globex: sent.globex.size });
    for (const tenant of ['acme', 'globex'] as const) {
      const tokens = countTokens(await bucketLines(HOME[tenant], `records/tenant=${tenant}/`));
      expect(tokens.size).toBe(sent[tenant].size);
    }
  });
});
