import type {
  DirtyWindow,
  GlobalAggregateSink,
  RegionalRollupSource,
} from '../../shared/adapters/rollup-store.ts';
import { globalItemOf } from '../../shared/adapters/rollup-store.ts';
import { dimensionRules, rollupWindow } from '../../shared/aggregate/safe/rollup.ts';
import type { SluiceConfig } from '../../shared/config/load.ts';
import { mapLimit } from '../../shared/process/concurrency.ts';
import {
  noMetrics,
  type ProcessLogger,
  type ProcessMetrics,
  silentLogger,
} from '../../shared/runtime/telemetry.ts';

export const ROLLUP_METRICS = {
  windows: 'RollupWindows',
  globalWrites: 'GlobalWrites',
  stale: 'RollupStale',
} as const;

export interface RollupDeps {
  config: SluiceConfig;
  /** Residency region whose regional table this roll-up reads (SLUICE_REGION). */
  region: string;
  regional: RegionalRollupSource;
  global: GlobalAggregateSink;
  /** Tenants' HMAC keys: dimension values outside allow-lists replicate as keyed hashes of them. */
  hmacKeys?: Readonly<Record<string, Uint8Array>>;
  logger?: ProcessLogger;
  metrics?: ProcessMetrics;
  /** Dirty windows read per round. */
  pageSize?: number;
  concurrency?: number;
}

export interface DrainReport {
  windows: number;
  globalWrites: number;
}

export interface RollupApp {
  /** Rolls up every dirty window, until none is left or `shouldStop` says so; safe to run concurrently. */
  drain(shouldStop?: () => boolean): Promise<DrainReport>;
}

/**
 * The roll-up. Each dirty (tenant, window) costs 2 regional queries, 1 global PutItem and 1 conditional delete of
 * its mark, however many batches wrote it since the last roll-up: global writes grow with windows, not batches.
 * A crash anywhere leaves the mark, so the window is rolled up again (the overwrite is idempotent).
 */
export function createRollupApp(deps: RollupDeps): RollupApp {
  const {
    config,
    region,
    logger = silentLogger,
    metrics = noMetrics,
    pageSize = 100,
    concurrency = 8,
  } = deps;
  const tenants = new Map(config.tenants.filter((t) => t.homeRegion === region).map((t) => [t.id, t]));
  const rules = new Map(
    [...tenants.values()].map((t) => [t.id, dimensionRules(t.pipeline.aggregate, deps.hmacKeys?.[t.id])]),
  );

  const rollOne = async (w: DirtyWindow): Promise<'written' | 'stale' | 'skipped'> => {
    const tenant = tenants.get(w.tenant);
    if (!tenant) {
      // A tenant removed from the config: nothing of it may replicate any more.
      await deps.regional.clear(w);
      return 'skipped';
    }
    const state = await deps.regional.window(w);
    const safe = rollupWindow(state.counts, state.patterns, tenant.pipeline.aggregate, rules.get(w.tenant)!);
    const result = await deps.global.publish(globalItemOf(region, w, safe, state.version));
    await deps.regional.clear(w);
    return result;
  };

  return {
    async drain(shouldStop = () => false) {
      const report: DrainReport = { windows: 0, globalWrites: 0 };
      const seen = new Set<string>();
      while (!shouldStop()) {
        // A window marked again while rolled up is left for the next drain: one pass never loops on a hot window.
        const page = (await deps.regional.dirty(pageSize)).filter(
          (w) => !seen.has(`${w.tenant}#${w.windowStart}#${w.marks}`),
        );
        if (page.length === 0) break;
        for (const w of page) seen.add(`${w.tenant}#${w.windowStart}#${w.marks}`);
        const results = await mapLimit(page, concurrency, rollOne);
        report.windows += page.length;
        const written = results.filter((r) => r === 'written').length;
        report.globalWrites += written;
        metrics.count(ROLLUP_METRICS.stale, results.filter((r) => r === 'stale').length);
        if (page.length < pageSize) break;
      }
      metrics.count(ROLLUP_METRICS.windows, report.windows);
      metrics.count(ROLLUP_METRICS.globalWrites, report.globalWrites);
      if (report.windows > 0) logger.info('windows rolled up', { region, ...report });
      return report;
    },
  };
}
