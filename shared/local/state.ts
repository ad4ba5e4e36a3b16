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
}

export const DEFAULT_LOCAL_STATE_PATH = '.sluice/local.json';

/** Environment variable the local processor and `sluice process` read HMAC keys from when the config names a cloud secret. */
export const LOCAL_HMAC_ENV = 'SLUICE_LOCAL_HMAC_KEY';

export class LocalStateError extends SluiceError {
  override readonly name = 'LocalStateError';
}

export function readLocalState(path = DEFAULT_LOCAL_STATE_PATH): LocalState {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LocalState;
  } catch (cause) {
    throw new LocalStateError(`no local stack found at ${path}: start one with \`npm start\``, { cause });
  }
}

/** Merges `patch` into the state file (owner-only: it holds development keys). */
export function updateLocalState(path: string, patch: Partial<LocalState>): void {
  writeFileSync(path, `${JSON.stringify({ ...readLocalState(path), ...patch }, null, 2)}\n`, { mode: 0o600 });
}
