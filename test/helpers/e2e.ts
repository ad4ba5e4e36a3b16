import { createDynamoAggregateStore } from '../../shared/adapters/aggregate-store.ts';
import { listObjects, readAllLines } from '../../shared/adapters/bucket-reader.ts';
import type { Clients } from '../../shared/adapters/clients.ts';
import { createDynamoRollupSource } from '../../shared/adapters/rollup-store.ts';
import type { LocalState } from '../../shared/local/state.ts';

/** What the helpers need of a running pipeline (the embedded stack or a LocalStack deployment). */
export interface PipelineHandle {
  state: LocalState;
  clients: Clients;
}

/** Every line of every object under `records/` in the stack's bucket. */
export async function storedLines(stack: PipelineHandle): Promise<string[]> {
  const { s3 } = stack.clients;
  const objects = await listObjects(s3, stack.state.bucket, 'records/');
  const byKey = await readAllLines(
    s3,
    stack.state.bucket,
    objects.map((o) => o.key),
  );
  return [...byKey.values()].flat();
}

type Totals = { total: number; byService: Record<string, number> };

async function totalsOf(stack: PipelineHandle, table: string, tenant: string): Promise<Totals> {
  const reader = createDynamoAggregateStore(stack.clients.dynamodb, table);
  const now = Date.now();
  const { counts } = await reader.read({
    region: stack.state.region,
    tenant,
    from: now - 86_400_000,
    to: now + 86_400_000,
  });
  const byService: Record<string, number> = {};
  let total = 0;
  for (const c of counts) {
    total += c.count;
    byService[c.service] = (byService[c.service] ?? 0) + c.count;
  }
  return { total, byService };
}

/**
 * Sum of the count aggregates of a tenant in the GLOBAL table (all windows of the last and next day), total and per
 * service, once the roll-up caught up: no dirty window left and the global total equal to the regional one (the
 * regional table holds what the processor wrote). Gives up after `timeoutMs` and returns what the global table has.
 */
export async function aggregateTotals(
  stack: PipelineHandle,
  tenant: string,
  timeoutMs = 30_000,
): Promise<Totals> {
  const regional = stack.state.regionalTable;
  if (!regional) return totalsOf(stack, stack.state.table, tenant);
  const marks = createDynamoRollupSource(stack.clients.dynamodb, regional, stack.state.region);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = (await marks.dirty(1)).length;
    const [global, local] = await Promise.all([
      totalsOf(stack, stack.state.table, tenant),
      totalsOf(stack, regional, tenant),
    ]);
    if ((pending === 0 && global.total === local.total) || Date.now() > deadline) return global;
    await sleep(250);
  }
}

/** POSTs NDJSON lines to /ingest, retrying 429/503 (nothing was accepted then); `signal` abandons it. */
export async function postNdjson(
  url: string,
  key: string,
  records: readonly object[],
  signal?: AbortSignal,
): Promise<void> {
  const body = `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${url}/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      body,
      ...(signal && { signal }),
    });
    const text = await res.text();
    if (res.ok) return;
    if ((res.status === 429 || res.status === 503) && attempt < 10) {
      await sleep(200, signal);
      continue;
    }
    throw new Error(`ingest answered ${res.status}: ${text}`);
  }
}

/** Resolves after `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

export interface Traffic {
  /** Resolves when every request was answered; rejects with the first failure (not after `stop`). */
  done(): Promise<void>;
  /** Abandons the requests still in flight and waits for them to settle: call it before stopping the stack. */
  stop(): Promise<void>;
}

/**
 * Requests sent while the test does something else (kills a processor, stops the stack). The run's rejection is
 * held until `done()` is awaited, so a test that fails before that, or a stack stopped under the requests, leaves
 * no unhandled rejection behind; `stop()` aborts what is still in flight.
 */
export function backgroundTraffic(send: (signal: AbortSignal) => Promise<void>): Traffic {
  const abort = new AbortController();
  const run = send(abort.signal);
  const settled = run.then(
    () => undefined,
    (err: unknown) => err,
  );
  return {
    async done() {
      const err = await settled;
      if (err !== undefined) throw err;
    },
    async stop() {
      abort.abort(new Error('background traffic stopped'));
      await settled;
    },
  };
}
