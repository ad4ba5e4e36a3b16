import { createRollupApp, type DrainReport } from '../functions/rollup/app.ts';
import { rollupStores } from '../functions/rollup/wiring.ts';
import type { Clients } from '../shared/adapters/clients.ts';
import type { SecretResolver } from '../shared/adapters/secrets.ts';
import { resolveHmacKeys } from '../shared/adapters/secrets.ts';
import type { SluiceConfig } from '../shared/config/load.ts';

export interface RollupPollerOptions {
  config: SluiceConfig;
  region: string;
  clients: Pick<Clients, 'dynamodb'>;
  regionalTable: string;
  globalTable: string;
  secrets: SecretResolver;
  /** Pause between drains. 2 s: the global view lags the regional state by ≤ ~3 s (docs/residency.md). */
  intervalMs?: number;
  log?: (line: string) => void;
}

export interface RollupPoller {
  /** Runs one drain now (after the one in flight, if any). */
  drainNow(): Promise<DrainReport>;
  stop(): Promise<void>;
}

/**
 * The roll-up function as the local stack runs it: the real app, drained every `intervalMs` (deployed, the
 * regional table's stream and a schedule trigger it). A failed drain is logged and retried at the next tick: the
 * dirty marks stay until a window is published.
 */
export async function startRollupPoller(o: RollupPollerOptions): Promise<RollupPoller> {
  const log = o.log ?? (() => {});
  const app = createRollupApp({
    config: o.config,
    region: o.region,
    ...rollupStores(o.clients.dynamodb, o.region, {
      regionalTable: o.regionalTable,
      globalTable: o.globalTable,
    }),
    hmacKeys: await resolveHmacKeys(o.config, o.region, o.secrets),
    logger: {
      info() {},
      warn: (m, a) => log(`rollup: ${m} ${JSON.stringify(a ?? {})}`),
      error: (m, a) => log(`rollup: ${m} ${JSON.stringify(a ?? {})}`),
    },
  });
  let stopped = false;
  let current: Promise<DrainReport> = Promise.resolve({ windows: 0, globalWrites: 0 });
  let timer: NodeJS.Timeout | undefined;
  const drain = (): Promise<DrainReport> => {
    current = current
      .catch(() => undefined)
      .then(() => app.drain(() => stopped))
      .catch((err: unknown) => {
        log(`rollup: drain failed, retrying at the next tick: ${(err as Error).name}`);
        return { windows: 0, globalWrites: 0 };
      });
    return current;
  };
  const tick = () => {
    timer = setTimeout(async () => {
      await drain();
      if (!stopped) tick();
    }, o.intervalMs ?? 2000);
    timer.unref();
  };
  tick();
  return {
    drainNow: drain,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current.catch(() => undefined);
    },
  };
}
