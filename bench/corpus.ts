/**
 * A deterministic, realistic log corpus for benchmarks: JSON and plain-text lines of 200–1500 bytes from several
 * services, about a third carrying personal data or secrets, with some noise the example config filters.
 */

import { rng } from '../shared/prng.ts';

const SERVICES = ['checkout', 'payments', 'auth', 'search', 'inventory', 'gateway', 'notifications'] as const;
const LEVELS = ['debug', 'info', 'info', 'info', 'info', 'warn', 'error'] as const;
const PATHS = ['/api/v1/orders', '/api/v1/cart', '/login', '/api/v2/search', '/health', '/api/v1/payments'];
const WORDS =
  'request completed processed upstream latency cache miss retry scheduled worker queue batch user session order item payment gateway timeout connection pool'.split(
    ' ',
  );

const SECRETS: ReadonlyArray<(r: () => number) => string> = [
  () => 'customer email jane.doe@example.com',
  () => 'card 4111 1111 1111 1111 charged',
  () => 'client ip 203.0.113.42 blocked',
  () =>
    'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  () => 'phone +14155552671 verified',
  () => 'iban GB82 WEST 1234 5698 7654 32 on file',
  () => 'ssn 123-45-6789 in form',
  () => 'aws key AKIAIOSFODNN7EXAMPLE used',
  () => 'db url postgres://app:s3cr3tPass@db.internal:5432/orders',
  (r) => `mac 00:1a:2b:${Math.floor(r() * 90 + 10)}:4d:5e seen`,
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function words(r: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pick(r, WORDS));
  return out.join(' ');
}

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

/** One line; `personal` decides whether it carries a secret or personal value. */
export function makeLine(r: () => number, personal: boolean, t: number): string {
  const service = pick(r, SERVICES);
  const level = pick(r, LEVELS);
  const id = `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
  const secret = personal ? ` ${pick(r, SECRETS)(r)}` : '';
  const target = 200 + Math.floor(r() * 1300);
  if (r() < 0.7) {
    const doc: Record<string, unknown> = {
      timestamp: new Date(t).toISOString(),
      level,
      service,
      message: `${words(r, 4)} in ${Math.floor(r() * 900)} ms${secret}`,
      request_id: id,
      http: {
        method: pick(r, ['GET', 'POST', 'PUT']),
        path: pick(r, PATHS),
        status: pick(r, [200, 200, 201, 404, 500]),
      },
      duration_ms: Math.round(r() * 900),
      version: '2.14.3',
      trace_id: hex(r, 32),
    };
    if (personal && r() < 0.3) doc.user = { email: 'sam@example.org', password: 'hunter2' };
    let line = JSON.stringify(doc);
    if (line.length < target) {
      doc.detail = words(r, Math.ceil((target - line.length) / 7));
      line = JSON.stringify(doc);
    }
    return line;
  }
  let line = `${new Date(t).toISOString()} ${level.toUpperCase()} [${service}] ${words(r, 5)} id=${id} took ${Math.floor(r() * 900)}ms${secret}`;
  if (line.length < target) line += ` ${words(r, Math.ceil((target - line.length) / 7))}`;
  return line;
}

/** `count` lines, about a third with personal data, timestamps spread over `spanMs`. */
export function makeCorpus(
  count: number,
  seed = 42,
  start = Date.UTC(2026, 10, 1),
  spanMs = 600_000,
): string[] {
  const r = rng(seed);
  const lines: string[] = [];
  for (let i = 0; i < count; i++)
    lines.push(makeLine(r, r() < 1 / 3, start + Math.floor((i / count) * spanMs)));
  return lines;
}
