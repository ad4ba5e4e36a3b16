import { createDynamoAggregateStore } from '../../shared/adapters/aggregate-store.ts';
import type { QueryResult } from '../../shared/query/summarize.ts';
import type { LocalStack } from '../stack.ts';
import { readBreakdown } from './breakdown.ts';
import { createMetricsTap, type LiveSeries, type LiveTotals } from './metrics-tap.ts';
import { runPlayground, tenantRulesYaml } from './playground.ts';
import { SAMPLE_LINES } from './samples.ts';
import { type ConsoleServer, startConsoleServer } from './server.ts';
import { type ShardLag, shardLags } from './shard-lag.ts';
import { createStoredTap, type TailLine } from './stored-tap.ts';

export interface LiveSnapshot {
  at: number;
  region: string;
  tenants: string[];
  refreshMs: number;
  totals: LiveTotals;
  series: LiveSeries;
  shards: ShardLag[];
  /** Per service and level, and the top patterns, over the last `breakdownMinutes`. */
  breakdown: Pick<QueryResult, 'total' | 'totals' | 'patterns'>;
  breakdownMinutes: number;
  tail: TailLine[];
  /** What could not be read on the last refresh (the rest is shown). */
  problems: string[];
}

export interface ConsoleOptions {
  port?: number;
  token?: string;
  /** How often the stores are read and the page polls. Default 2 s. */
  refreshMs?: number;
  breakdownMinutes?: number;
  log?: (line: string) => void;
}

/**
 * The web console over a running local stack: live counters and rates from the processor's metrics, per-shard lag,
 * breakdowns and patterns from the aggregate table, the latest stored records, and the rule playground.
 */
export async function startConsole(stack: LocalStack, o: ConsoleOptions = {}): Promise<ConsoleServer> {
  const refreshMs = o.refreshMs ?? 2000;
  const breakdownMinutes = o.breakdownMinutes ?? 60;
  const { state, clients } = stack;
  const tenants = stack.config.tenants.filter((t) => t.homeRegion === state.region).map((t) => t.id);
  const metrics = createMetricsTap(() => stack.metrics.totals(), { intervalMs: refreshMs });
  const tail = createStoredTap({ s3: clients.s3, bucket: state.bucket, tenants });
  const reader = createDynamoAggregateStore(clients.dynamodb, state.table);

  let shards: ShardLag[] = [];
  let breakdown: LiveSnapshot['breakdown'] = { total: { count: 0, bytes: 0 }, totals: [], patterns: [] };
  let problems: string[] = [];
  const reported = new Set<string>();
  const attempt = async (what: string, f: () => Promise<void>, into: string[]) => {
    try {
      await f();
    } catch (err) {
      const problem = `${what}: ${(err as Error).name}`;
      into.push(problem);
      if (!reported.has(problem)) {
        reported.add(problem);
        o.log?.(`console: ${problem} (${(err as Error).message})`);
      }
    }
  };
  const refresh = async () => {
    const now: string[] = [];
    await Promise.all([
      attempt(
        'shard lag',
        async () => {
          shards = await shardLags(clients.kinesis, state.stream, stack.runner()?.stats() ?? []);
        },
        now,
      ),
      attempt(
        'aggregates',
        async () => {
          const r = await readBreakdown(reader, {
            region: state.region,
            tenants,
            sinceMs: breakdownMinutes * 60_000,
          });
          breakdown = { total: r.total, totals: r.totals, patterns: r.patterns };
        },
        now,
      ),
      attempt('stored records', () => tail.poll(), now),
    ]);
    problems = now;
  };
  // One refresh at a time however many pages poll; the page reads the latest.
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const loop = () => {
    inFlight = refresh().then(() => {
      if (!stopped) timer = setTimeout(loop, refreshMs);
    });
  };

  const rulesText = tenantRulesYaml(state.configPath, state.tenant);
  let server: ConsoleServer;
  try {
    server = await startConsoleServer({
      ...(o.port !== undefined && { port: o.port }),
      ...(o.token !== undefined && { token: o.token }),
      api: {
        live: async (): Promise<LiveSnapshot> => ({
          at: Date.now(),
          region: state.region,
          tenants,
          refreshMs,
          totals: metrics.totals(),
          series: metrics.series(),
          shards,
          breakdown,
          breakdownMinutes,
          tail: tail.recent(),
          problems,
        }),
        samples: () => ({
          tenant: state.tenant,
          region: state.region,
          lines: SAMPLE_LINES,
          rules: rulesText,
        }),
        playground: ({ lines, rules }) =>
          runPlayground(lines, rules, {
            tenant: state.tenant,
            region: state.region,
            ...(state.hmacKey && { devHmacKey: state.hmacKey }),
          }),
      },
    });
  } catch (err) {
    metrics.stop();
    throw err;
  }
  await refresh();
  timer = setTimeout(loop, refreshMs);
  return {
    ...server,
    async close() {
      stopped = true;
      clearTimeout(timer);
      metrics.stop();
      await server.close();
      // The stack stops next: let a refresh in flight finish against live emulators.
      await inFlight;
    },
  };
}
