import { describe, expect, it } from 'vitest';
import { matchRoute, SERVED_ROUTES } from '../../../shared/ingest/routes.ts';

describe('SERVED_ROUTES (what the deployed API routes to the ingest function)', () => {
  it('lists every path and method the app serves, so the deployed API and the local stack agree', () => {
    for (const [path, methods] of SERVED_ROUTES) {
      const route = matchRoute(path.replace('{index}', 'logs-app'));
      expect(route, path).toBeDefined();
      expect([...route!.methods].sort(), path).toEqual([...methods].sort());
    }
    // And the other way round: the paths shippers use all appear in the table.
    const shipperPaths = [
      '/ingest',
      '/v1/logs',
      '/services/collector',
      '/services/collector/event/1.0',
      '/services/collector/raw/1.0',
      '/services/collector/health/1.0',
      '/_bulk',
      '/logs-app/_bulk',
      '/',
      '/_license',
      '/firehose',
      '/health',
      '/loki/api/v1/push',
      '/api/v2/logs',
      '/v1/input',
    ];
    const table = new Set(SERVED_ROUTES.map(([p]) => p));
    for (const path of shipperPaths) {
      expect(matchRoute(path), path).toBeDefined();
      expect(table.has(path === '/logs-app/_bulk' ? '/{index}/_bulk' : path), path).toBe(true);
    }
  });
});
