import { parseArgs } from 'node:util';
import { createDynamoAggregateStore } from '../../shared/adapters/aggregate-store.ts';
import { type Clients, createClients, type Endpoints } from '../../shared/adapters/clients.ts';
import { loadConfig, type SluiceConfig } from '../../shared/config/load.ts';
import { DEFAULT_LOCAL_STATE_PATH, type LocalState, readLocalState } from '../../shared/local/state.ts';
import { queryAggregates } from '../../shared/query/query.ts';
import type { QueryResult } from '../../shared/query/summarize.ts';
import { globalResources, regionResources } from '../../shared/resources.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../errors.ts';

/** Where a CLI command talks to: the local stack (`.sluice/local.json`) unless a config is given. */
export interface CliTarget {
  config: SluiceConfig;
  /** Residency region the command acts on (redrive) or that the local stack serves. */
  region: string;
  clients: Clients;
  local?: LocalState;
}

export interface TargetFlags {
  config?: string;
  region?: string;
  endpoint?: string;
  state?: string;
}

export const TARGET_OPTIONS = {
  config: { type: 'string', short: 'c' },
  region: { type: 'string', short: 'r' },
  endpoint: { type: 'string' },
  state: { type: 'string' },
} as const;

export const TARGET_USAGE =
  '  Target: the local stack from .sluice/local.json (--state FILE; --region NAME picks one region of\n' +
  '  `npm start -- --regions ...`), or --config FILE [--region NAME]\n' +
  '  (real AWS, or every service at --endpoint URL, e.g. LocalStack).';

export function resolveTarget(flags: TargetFlags): CliTarget {
  if (!flags.config) {
    // A multi-region local stack: --region picks the region whose endpoints (and replica) the command talks to.
    const local = readLocalState(flags.state ?? DEFAULT_LOCAL_STATE_PATH, flags.region);
    const endpoints: Endpoints = flags.endpoint
      ? { kinesis: flags.endpoint, dynamodb: flags.endpoint, s3: flags.endpoint, sqs: flags.endpoint }
      : local.endpoints;
    return {
      config: loadConfig(local.configPath),
      region: flags.region ?? local.region,
      clients: createClients({ awsRegion: local.awsRegion, endpoints }),
      local,
    };
  }
  const config = loadConfig(flags.config);
  const region = flags.region ?? Object.keys(config.regions)[0]!;
  const r = config.regions[region];
  if (!r)
    throw new UsageError(
      `unknown region "${region}" (config has: ${Object.keys(config.regions).join(', ')})`,
    );
  const e = flags.endpoint;
  return {
    config,
    region,
    clients: createClients({
      awsRegion: r.awsRegion,
      ...(e && { endpoints: { kinesis: e, dynamodb: e, s3: e, sqs: e } }),
    }),
  };
}

function parseTime(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new UsageError(`--${flag} must be an ISO 8601 time, got "${value}"`);
  return ms;
}

const kib = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

export function formatResult(r: QueryResult): string {
  const head =
    `tenant ${r.tenant}, ${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()}, ` +
    `regions ${r.regions.join(', ')}\n` +
    `records ${r.total.count} (${kib(r.total.bytes)}); by region: ${Object.entries(r.byRegion)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}\n`;
  if (r.total.count === 0) return `${head}\nno aggregates in this range\n`;
  const totals = table([
    ['SERVICE', 'LEVEL', 'COUNT', 'BYTES'],
    ...r.totals.map((t) => [t.service, t.level, String(t.count), kib(t.bytes)]),
  ]);
  const patterns = table([
    ['COUNT', 'SERVICE', 'TEMPLATE'],
    ...r.patterns.map((p) => [String(p.count), p.service, p.template]),
  ]);
  return `${head}\n${totals}\n\ntop patterns\n${patterns}\n`;
}

/** Patterns with their masked examples, read from the home region's regional store (examples never replicate). */
export function formatExamples(r: QueryResult): string {
  const head = `tenant ${r.tenant}, examples from region ${r.regions.join(', ')} (never replicated)\n`;
  if (r.patterns.length === 0) return `${head}\nno patterns in this range\n`;
  return `${head}\n${table([
    ['COUNT', 'SERVICE', 'TEMPLATE', 'EXAMPLE'],
    ...r.patterns.map((p) => [String(p.count), p.service, p.template, p.example]),
  ])}\n`;
}

export const queryCommand: Command = {
  name: 'query',
  summary: 'totals and top patterns of a tenant, summed across regions',
  usage:
    'sluice query --tenant ID [--from ISO] [--to ISO] [--top N] [--examples] [--json] [target options]\n' +
    '  Aggregate windows starting in [from, to); default: the last 24 hours.\n' +
    "  --examples: the tenant's patterns with masked examples, from its home region's regional store\n" +
    '  (examples never leave that region; run it against the home region).\n' +
    TARGET_USAGE,
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...TARGET_OPTIONS,
        tenant: { type: 'string', short: 't' },
        from: { type: 'string' },
        to: { type: 'string' },
        top: { type: 'string' },
        json: { type: 'boolean' },
        examples: { type: 'boolean' },
      },
    });
    const target = resolveTarget(values);
    const tenant = values.tenant ?? target.local?.tenant;
    if (!tenant) throw new UsageError('--tenant is required');
    if (!target.config.tenants.some((t) => t.id === tenant)) {
      throw new UsageError(`unknown tenant "${tenant}"`);
    }
    const now = Date.now();
    const to = parseTime(values.to, now, 'to');
    const from = parseTime(values.from, to - 86_400_000, 'from');
    if (!(from < to)) throw new UsageError('--from must be before --to');
    const top = values.top === undefined ? 10 : Number(values.top);
    if (!Number.isInteger(top) || top < 0) throw new UsageError('--top must be a whole number');
    if (values.examples) {
      const home = target.config.tenants.find((t) => t.id === tenant)!.homeRegion;
      if (home !== target.region) {
        throw new UsageError(
          `examples of tenant "${tenant}" stay in its home region "${home}": run with --region ${home}`,
        );
      }
      const regional = target.local?.regionalTable ?? regionResources(target.config, home).regionalTableName;
      const reader = createDynamoAggregateStore(target.clients.dynamodb, regional);
      const result = await queryAggregates(reader, { tenant, from, to, regions: [home], top });
      io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatExamples(result));
      return 0;
    }
    const tableName = target.local?.table ?? globalResources(target.config).tableName;
    const reader = createDynamoAggregateStore(target.clients.dynamodb, tableName);
    const result = await queryAggregates(reader, {
      tenant,
      from,
      to,
      regions: Object.keys(target.config.regions),
      top,
    });
    io.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : formatResult(result));
    return 0;
  },
};
