import { Client } from '@elastic/elasticsearch';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateTotals, postNdjson, storedLines } from '../helpers/e2e.ts';
import { countTokens, tid } from '../helpers/local.ts';
import { e2eTarget, openPipeline, type RunningPipeline } from './target.ts';

/**
 * The whole local pipeline with real clients (fetch NDJSON, the OpenTelemetry OTLP/HTTP exporter, the Elasticsearch
 * client, Splunk HEC): what lands in S3 and in the aggregate table must be exactly what was sent, after the
 * example config's filters (tenant acme: minLevel info, health checks and kube probes dropped) and masking.
 */

const target = e2eTarget();
let stack: RunningPipeline;

beforeAll(async () => {
  if (target.skip) return;
  stack = await openPipeline(target);
});
afterAll(async () => {
  await stack?.stop();
});

const SERVICES = ['checkout', 'payments', 'search'] as const;

describe.skipIf(target.skip !== undefined)('local pipeline end to end', () => {
  it('stores exactly the kept records, masked, and aggregates them exactly', async () => {
    const { ingestUrl: url, apiKey: key } = stack.state;
    const expected = new Map<string, string>(); // token → service of every record that must be kept
    const dropped = new Set<string>();
    let n = 0;

    // 1. NDJSON over fetch: a mix of kept records, records below minLevel, health checks and kube probes.
    const ndjson = Array.from({ length: 400 }, () => {
      const t = tid(n++);
      const service = SERVICES[n % 3]!;
      const kind = n % 8;
      if (kind === 0) {
        dropped.add(t);
        return { service, level: 'debug', message: `cache miss ${t}` };
      }
      if (kind === 1) {
        dropped.add(t);
        return { service, level: 'info', message: `GET ok ${t}`, path: '/healthz' };
      }
      if (kind === 2) {
        dropped.add(t);
        return { service, level: 'info', message: `probe kube-probe/1.29 ${t}` };
      }
      expected.set(t, service);
      return {
        service,
        level: kind === 3 ? 'error' : 'info',
        message: `order placed by user${n}@example.com from 10.0.${n % 250}.7 ${t}`,
        http: { status: kind === 3 ? 500 : 200 },
        duration_ms: n % 97,
      };
    });
    for (let i = 0; i < ndjson.length; i += 100) await postNdjson(url, key, ndjson.slice(i, i + 100));

    // 2. The OpenTelemetry SDK's OTLP/HTTP (JSON) exporter.
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'otel-app' }),
      processors: [
        new BatchLogRecordProcessor(
          new OTLPLogExporter({ url: `${url}/v1/logs`, headers: { authorization: `Bearer ${key}` } }),
        ),
      ],
    });
    const logger = provider.getLogger('e2e');
    for (let i = 0; i < 60; i++) {
      const t = tid(n++);
      if (i % 6 === 0) {
        dropped.add(t);
        logger.emit({ severityNumber: SeverityNumber.DEBUG, severityText: 'DEBUG', body: `debug ${t}` });
      } else {
        expected.set(t, 'otel-app');
        logger.emit({
          severityNumber: SeverityNumber.INFO,
          severityText: 'INFO',
          body: `payment accepted for card 4111 1111 1111 1111 ${t}`,
        });
      }
    }
    await provider.forceFlush();
    await provider.shutdown();

    // 3. The Elasticsearch client's bulk API (as Filebeat/Logstash/Vector's elasticsearch sinks speak it).
    const es = new Client({ node: url, auth: { apiKey: key } });
    const docs = Array.from({ length: 50 }, () => {
      const t = tid(n++);
      expected.set(t, 'es-app');
      return { service: 'es-app', level: 'warn', message: `slow query from 192.168.1.${n % 200} ${t}` };
    });
    const bulk = await es.bulk({ index: 'logs', operations: docs.flatMap((d) => [{ create: {} }, d]) });
    expect(bulk.errors).toBe(false);
    await es.close();

    // 4. Splunk HEC events.
    const hec = Array.from({ length: 40 }, () => {
      const t = tid(n++);
      expected.set(t, 'hec-app');
      return JSON.stringify({ event: { service: 'hec-app', level: 'info', message: `job done ${t}` } });
    }).join('');
    const hecRes = await fetch(`${url}/services/collector/event`, {
      method: 'POST',
      headers: { authorization: `Splunk ${key}` },
      body: hec,
    });
    expect(hecRes.status).toBe(200);

    await stack.settle();
    const lines = await storedLines(stack);
    const tokens = countTokens(lines);
    // Exactly the kept records, each once.
    expect([...tokens.keys()].sort()).toEqual([...expected.keys()].sort());
    expect([...tokens.values()].every((c) => c === 1)).toBe(true);
    for (const t of dropped) expect(tokens.has(t)).toBe(false);
    // Masked: no e-mail address, client IP or card number survives.
    const all = lines.join('\n');
    expect(all).not.toMatch(/user\d+@example\.com/);
    expect(all).not.toMatch(/\b10\.0\.\d+\.7\b/);
    expect(all).not.toContain('4111 1111 1111 1111');
    expect(all).not.toMatch(/192\.168\.1\.\d+/);

    const totals = await aggregateTotals(stack, 'acme');
    expect(totals.total).toBe(expected.size);
    const perService: Record<string, number> = {};
    for (const s of expected.values()) perService[s] = (perService[s] ?? 0) + 1;
    expect(totals.byService).toEqual(perService);
  });
});
