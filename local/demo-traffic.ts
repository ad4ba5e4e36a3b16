/**
 * Realistic mixed log traffic for `npm run demo`: several services per tenant, four wire protocols, personal data
 * the masker must catch, and the noise the example config filters (debug chatter, health checks, kube probes,
 * floods of one repeated line). Deterministic for a given seed.
 */

import { rng } from '../shared/prng.ts';

export const DEMO_PROTOCOLS = ['ndjson', 'otlp', 'hec', 'es-bulk'] as const;
export type DemoProtocol = (typeof DEMO_PROTOCOLS)[number];

export interface DemoRecord {
  service: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

const SERVICES = ['checkout', 'payments', 'search', 'auth'] as const;
const FIRST = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'ken', 'margaret', 'linus'];
const LAST = ['lovelace', 'hopper', 'turing', 'dijkstra', 'liskov', 'thompson', 'hamilton', 'torvalds'];
const CARDS = ['4111 1111 1111 1111', '5500 0000 0000 0004', '3400 0000 0000 009'];
const IBANS = [
  'DE89 3704 0044 0532 0130 00',
  'GB82 WEST 1234 5698 7654 32',
  'FR14 2004 1010 0505 0001 3M02 606',
];
const PATHS = ['/api/cart', '/api/orders', '/api/search', '/api/login', '/api/pay'];

export function createDemoTraffic(seed = 1): (i: number) => DemoRecord {
  const rnd = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const person = () => `${pick(FIRST)}.${pick(LAST)}`;
  const ip = () => `203.0.113.${1 + Math.floor(rnd() * 254)}`;
  return (i) => {
    const service = SERVICES[i % SERVICES.length]!;
    const r = rnd();
    const ms = Math.round(5 + rnd() * 400);
    const status = rnd() < 0.05 ? 500 : rnd() < 0.1 ? 404 : 200;
    const http = { method: rnd() < 0.7 ? 'GET' : 'POST', path: pick(PATHS), status };
    if (r < 0.12) return { service, level: 'debug', message: `cache lookup took ${ms}ms`, attributes: {} };
    if (r < 0.18) {
      return {
        service,
        level: 'info',
        message: 'GET /healthz 200',
        attributes: { path: pick(['/health', '/healthz', '/ready']) },
      };
    }
    if (r < 0.21) {
      return { service, level: 'info', message: `GET / 200 ua=kube-probe/1.29 from ${ip()}`, attributes: {} };
    }
    if (r < 0.27) {
      // One line repeated in a flood: the `repeats` rule keeps 100 per minute and summarises the rest.
      return { service, level: 'warn', message: 'connection pool exhausted, retrying', attributes: {} };
    }
    if (r < 0.29) {
      return {
        service,
        level: 'debug',
        message: `role granted to ${person()}@example.com by admin`,
        attributes: { audit: true },
      };
    }
    switch (service) {
      case 'checkout':
        return {
          service,
          level: status >= 500 ? 'error' : 'info',
          message: `order ${1000 + (i % 9000)} placed by ${person()}@example.com from ${ip()}`,
          attributes: { http, duration_ms: ms },
        };
      case 'payments':
        return {
          service,
          level: status >= 500 ? 'error' : 'info',
          message:
            rnd() < 0.5
              ? `charge accepted card=${pick(CARDS)} amount=${(rnd() * 200).toFixed(2)} EUR`
              : `payout to IBAN ${pick(IBANS)} scheduled`,
          attributes: { http, duration_ms: ms },
        };
      case 'search':
        return {
          service,
          level: ms > 300 ? 'warn' : 'info',
          message: `query served in ${ms}ms for ${ip()}`,
          attributes: { http, duration_ms: ms, hits: Math.floor(rnd() * 50) },
        };
      default:
        return {
          service,
          level: status >= 500 ? 'error' : 'info',
          message:
            rnd() < 0.5
              ? `login ok for ${person()}@example.com, phone +44 20 7946 0${100 + Math.floor(rnd() * 899)}`
              : `token issued Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIke2l9In0.c2lnbmF0dXJl${i % 10}`,
          attributes: { http, duration_ms: ms },
        };
    }
  };
}

const SEVERITY: Record<DemoRecord['level'], number> = { debug: 5, info: 9, warn: 13, error: 17 };

/** One request body for `protocol`, with its path and content type. */
export function encodeDemo(
  protocol: DemoProtocol,
  records: readonly DemoRecord[],
  now: number,
): { path: string; contentType: string; body: string; authScheme: 'Bearer' | 'Splunk' | 'ApiKey' } {
  switch (protocol) {
    case 'ndjson':
      return {
        path: '/ingest',
        contentType: 'application/x-ndjson',
        authScheme: 'Bearer',
        body: `${records.map((r) => JSON.stringify({ ...r.attributes, service: r.service, level: r.level, message: r.message, time: new Date(now).toISOString() })).join('\n')}\n`,
      };
    case 'otlp': {
      const byService = new Map<string, DemoRecord[]>();
      for (const r of records) byService.set(r.service, [...(byService.get(r.service) ?? []), r]);
      const attr = (key: string, v: unknown) => ({
        key,
        value:
          typeof v === 'number'
            ? { intValue: String(v) }
            : typeof v === 'boolean'
              ? { boolValue: v }
              : { stringValue: typeof v === 'string' ? v : JSON.stringify(v) },
      });
      return {
        path: '/v1/logs',
        contentType: 'application/json',
        authScheme: 'Bearer',
        body: JSON.stringify({
          resourceLogs: [...byService].map(([service, rs]) => ({
            resource: { attributes: [attr('service.name', service)] },
            scopeLogs: [
              {
                scope: { name: 'demo' },
                logRecords: rs.map((r) => ({
                  timeUnixNano: `${now}000000`,
                  severityNumber: SEVERITY[r.level],
                  severityText: r.level.toUpperCase(),
                  body: { stringValue: r.message },
                  attributes: Object.entries(r.attributes).map(([k, v]) => attr(k, v)),
                })),
              },
            ],
          })),
        }),
      };
    }
    case 'hec':
      return {
        path: '/services/collector/event',
        contentType: 'application/json',
        authScheme: 'Splunk',
        body: records
          .map((r) =>
            JSON.stringify({
              time: now / 1000,
              host: 'demo-host',
              sourcetype: r.service,
              event: { ...r.attributes, service: r.service, level: r.level, message: r.message },
            }),
          )
          .join(''),
      };
    case 'es-bulk':
      return {
        path: '/_bulk',
        contentType: 'application/x-ndjson',
        authScheme: 'ApiKey',
        body: `${records
          .flatMap((r) => [
            JSON.stringify({ create: { _index: `logs-${r.service}` } }),
            JSON.stringify({
              '@timestamp': new Date(now).toISOString(),
              ...r.attributes,
              service: r.service,
              level: r.level,
              message: r.message,
            }),
          ])
          .join('\n')}\n`,
      };
  }
}
