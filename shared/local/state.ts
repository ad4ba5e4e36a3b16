import { readFileSync, writeFileSync } from 'node:fs';
import type { Endpoints } from '../adapters/clients.ts';
import { SluiceError } from '../errors.ts';

/** `.sluice/local.json`, written by `npm start`; the CLI's default target. */
export interface LocalState {
  ingestUrl: string;
  apiKey: string;
  tenant: string;
  /** Residency region name served locally. */
  region: string;
  awsRegion: string;
  endpoints: Endpoints;
  bucket: string;
  /** The global aggregate table (rolled-up, safe aggregates: what `sluice query` reads). */
  table: string;
  /** The regional aggregate table (working state and pattern examples; never replicated). */
  regionalTable?: string;
  stream: string;
  failureQueueUrl: string;
  esmFailureQueueUrl: string;
  /** Config file the stack runs with. */
  configPath: string;
  pid: number;
  /** Development key of every tenant of the served region (`apiKey` is the one of `tenant`). */
  keys?: Record<string, string>;
  /** HMAC key the local processor pseudonymises with (a development value, generated once). */
  hmacKey?: string;
  /** The web console (`npm start` serves it), session token included: open it in a browser. */
  consoleUrl?: string;
  /**
   * `npm start -- --regions …`: every residency region served, keyed by region name (the top-level fields are the
   * first region's). Absent when one region runs.
   */
  regions?: Record<string, LocalRegionState>;
}

/** One region of a multi-region local stack: its own ingest endpoint, emulators and resources. */
export interface LocalRegionState {
  ingestUrl: string;
  /** Key of `tenant`, the first tenant homed in the region (every tenant's key is under the top-level `keys`). */
  apiKey: string;
  tenant: string;
  awsRegion: string;
  endpoints: Endpoints;
  bucket: string;
  /** This region's replica of the global aggregate table. */
  table: string;
  /** The region's own aggregate working state, never replicated (once the stack has one). */
  regionalTable?: string;
  stream: string;
  failureQueueUrl?: string;
  esmFailureQueueUrl?: string;
}

export const DEFAULT_LOCAL_STATE_PATH = '.sluice/local.json';

/** Environment variable the local processor and `sluice process` read HMAC keys from when the config names a cloud secret. */
export const LOCAL_HMAC_ENV = 'SLUICE_LOCAL_HMAC_KEY';

export class LocalStateError extends SluiceError {
  override readonly name = 'LocalStateError';
}

/**
 * The local stack's state; with `region`, as seen from that region (its endpoints, bucket, key) when the stack runs
 * several, which is what `--region R` of the CLI commands picks.
 */
export function readLocalState(path = DEFAULT_LOCAL_STATE_PATH, region?: string): LocalState {
  let state: LocalState;
  try {
    state = JSON.parse(readFileSync(path, 'utf8')) as LocalState;
  } catch (cause) {
    throw new LocalStateError(`no local stack found at ${path}: start one with \`npm start\``, { cause });
  }
  if (region === undefined) return state;
  const r = state.regions?.[region];
  if (r) return { ...state, ...r, region };
  if (region === state.region) return state;
  const served = state.regions ? Object.keys(state.regions) : [state.region];
  throw new LocalStateError(
    `the local stack at ${path} does not serve region "${region}" (it serves: ${served.join(', ')}); ` +
      `start it with \`npm start -- --regions ${[...new Set([...served, region])].join(',')}\``,
  );
}

/** Merges `patch` into the state file (owner-only: it holds development keys). */
export function updateLocalState(path: string, patch: Partial<LocalState>): void {
  writeFileSync(path, `${JSON.stringify({ ...readLocalState(path), ...patch }, null, 2)}\n`, { mode: 0o600 });
}
