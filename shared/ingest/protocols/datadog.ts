import { normalizeLevel } from '../../record/level.ts';
import { isPlainObject } from '../../record/normalize.ts';
import { MalformedBodyError, type RefusedError, TooLargeError } from '../errors.ts';
import { exceedsDepth, type RecordFactory } from '../records.ts';
import { type IngestResponse, jsonResponse } from '../responses.ts';
import { parseJson, refuseOversized, requireWritten, unavailableStatus } from './common.ts';
import type { IngestProtocol } from './types.ts';

/** Datadog's own intake limits (https://docs.datadoghq.com/api/latest/logs/#send-logs). */
export const DATADOG_LIMITS = {
  payloadBytes: 5_000_000,
  logBytes: 1_000_000,
  logsPerPayload: 1000,
} as const;

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** `{"errors":[{"status","title","detail"}]}`, the shape `@datadog/datadog-api-client` reads as HTTPLogErrors. */
function ddError(status: number, detail: string, headers: Record<string, string> = {}): IngestResponse {
  return jsonResponse(
    status,
    { errors: [{ status: String(status), title: TITLES[status] ?? 'Error', detail }] },
    headers,
  );
}

/** `env:prod,team:core,canary` → `{env: 'prod', team: 'core'}` plus bare tags under `tags`. */
export function splitTags(ddtags: string): { pairs: Record<string, string | string[]>; bare: string[] } {
  const pairs: Record<string, string | string[]> = {};
  const bare: string[] = [];
  for (const raw of ddtags.split(',')) {
    const tag = raw.trim();
    if (tag === '') continue;
    const colon = tag.indexOf(':');
    if (colon <= 0) {
      bare.push(tag);
      continue;
    }
    const k = tag.slice(0, colon);
    const v = tag.slice(colon + 1);
    if (k === '__proto__') continue;
    const had = pairs[k];
    pairs[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return { pairs, bare };
}

function parseLog(log: unknown, i: number, f: RecordFactory, maxDepth: number): void {
  if (!isPlainObject(log)) throw new MalformedBodyError(`log ${i + 1} must be a JSON object`, { item: i });
  // Before measuring: JSON.stringify recurses, and would overflow on the nesting this refuses.
  if (exceedsDepth(log, maxDepth)) {
    throw new MalformedBodyError(`log ${i + 1} is nested deeper than ${maxDepth} levels`, { item: i });
  }
  if (JSON.stringify(log).length > DATADOG_LIMITS.logBytes) {
    throw new TooLargeError('recordTooLarge', `log ${i + 1} is over Datadog's 1 MB limit per log`, {
      item: i,
    });
  }
  const raw: Record<string, unknown> = {};
  for (const k in log) if (k !== 'ddtags' && k !== 'status' && k !== '__proto__') raw[k] = log[k];
  const ddtags = log['ddtags'];
  if (typeof ddtags === 'string') {
    const { pairs, bare } = splitTags(ddtags);
    for (const k in pairs) if (!(k in raw)) raw[k] = pairs[k];
    if (bare.length > 0 && !('tags' in raw)) raw['tags'] = bare;
  }
  if (typeof raw['message'] !== 'string' && raw['message'] !== undefined) {
    raw['message'] = JSON.stringify(raw['message']);
  }
  const level = normalizeLevel(log['status']);
  f.object(raw, level === undefined ? undefined : { defaultLevel: level });
}

/**
 * Datadog logs intake (v2 and the older v1 input): a JSON array of logs or one log, each `message`, `ddsource`,
 * `ddtags` (split into attributes), `hostname`, `service`, `status` (→ level) plus any fields.
 */
export const datadogProtocol: IngestProtocol<void> = {
  name: 'datadog',
  routes: [
    { name: 'datadogLogs', path: '/api/v2/logs', methods: ['POST'] },
    { name: 'datadogLogs', path: '/v1/input', methods: ['POST'] },
  ],
  auth: ['DD-API-KEY: <key>'],
  recordProtocol: 'datadog',
  parse(req, f) {
    if (req.body.bytes.length > DATADOG_LIMITS.payloadBytes) {
      throw new TooLargeError(
        'tooLarge',
        "the payload is over Datadog's 5 MB limit (uncompressed); send smaller batches",
      );
    }
    const doc = parseJson(req.body.text, 'a Datadog logs payload expected');
    const logs = Array.isArray(doc) ? doc : [doc];
    if (logs.length > DATADOG_LIMITS.logsPerPayload) {
      throw new TooLargeError(
        'tooManyRecords',
        `${logs.length} logs in one payload; Datadog's limit is 1000`,
      );
    }
    logs.forEach((log, i) => {
      parseLog(log, i, f, req.limits.maxDepth);
    });
  },
  checkPacked: (_, packed, __, req) => refuseOversized(packed, req),
  accepted(_, written) {
    requireWritten(written);
    return jsonResponse(202, {});
  },
  refusal(err: RefusedError) {
    // Datadog answers a missing or unknown API key with 403.
    const status = err.status === 401 ? 403 : err.status;
    return ddError(status, err.message);
  },
  unavailable: (err) =>
    ddError(unavailableStatus(err.throttled), err.message, { 'retry-after': String(err.retryAfterSeconds) }),
};
