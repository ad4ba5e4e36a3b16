/** The wire protocol family of a route: decides the request parser and the shape of every answer. */
export const PROTOCOLS = ['ingest', 'otlp', 'hec', 'hecRaw', 'es', 'firehose', 'meta'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const ROUTE_NAMES = [
  'ingest',
  'otlpLogs',
  'hecEvent',
  'hecRaw',
  'hecHealth',
  'esBulk',
  'esInfo',
  'esLicense',
  'firehose',
  'health',
] as const;
export type RouteName = (typeof ROUTE_NAMES)[number];

export interface Route {
  name: RouteName;
  protocol: Protocol;
  /** Methods the path answers; others get 405. */
  methods: readonly string[];
  /** `/{index}/_bulk`: the index from the path. */
  index?: string;
}

const HEC_EVENT = new Set([
  '/services/collector',
  '/services/collector/event',
  '/services/collector/event/1.0',
]);
const HEC_RAW = new Set(['/services/collector/raw', '/services/collector/raw/1.0']);
const HEC_HEALTH = new Set(['/services/collector/health', '/services/collector/health/1.0']);
const ES_INDEX_BULK = /^\/([^/_][^/]{0,254})\/_bulk$/;

/** Finds the route for a path (trailing slash tolerated); undefined = 404. Method checks are the caller's. */
export function matchRoute(rawPath: string): Route | undefined {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  switch (path) {
    case '/ingest':
      return { name: 'ingest', protocol: 'ingest', methods: ['POST'] };
    case '/v1/logs':
      return { name: 'otlpLogs', protocol: 'otlp', methods: ['POST'] };
    case '/_bulk':
      return { name: 'esBulk', protocol: 'es', methods: ['POST', 'PUT'] };
    case '/':
      return { name: 'esInfo', protocol: 'es', methods: ['GET', 'HEAD'] };
    case '/_license':
      return { name: 'esLicense', protocol: 'es', methods: ['GET'] };
    case '/firehose':
      return { name: 'firehose', protocol: 'firehose', methods: ['POST'] };
    case '/health':
      return { name: 'health', protocol: 'meta', methods: ['GET', 'HEAD'] };
  }
  if (HEC_EVENT.has(path)) return { name: 'hecEvent', protocol: 'hec', methods: ['POST'] };
  if (HEC_RAW.has(path)) return { name: 'hecRaw', protocol: 'hecRaw', methods: ['POST'] };
  if (HEC_HEALTH.has(path)) return { name: 'hecHealth', protocol: 'hec', methods: ['GET'] };
  const bulk = ES_INDEX_BULK.exec(path);
  if (bulk) {
    let index: string;
    try {
      index = decodeURIComponent(bulk[1]!);
    } catch {
      return undefined;
    }
    return { name: 'esBulk', protocol: 'es', methods: ['POST', 'PUT'], index };
  }
  return undefined;
}

/**
 * Every path `matchRoute` serves, with its methods, in API Gateway's path syntax (`{index}` is one segment). The
 * CDK app routes exactly these to the ingest function, so a shipper that works against the local stack works
 * against the deployed API (test/shared/ingest checks the two agree). Trailing slashes are served locally only.
 */
export const SERVED_ROUTES: ReadonlyArray<readonly [path: string, methods: readonly string[]]> = [
  ['/ingest', ['POST']],
  ['/v1/logs', ['POST']],
  ['/services/collector', ['POST']],
  ['/services/collector/event', ['POST']],
  ['/services/collector/event/1.0', ['POST']],
  ['/services/collector/raw', ['POST']],
  ['/services/collector/raw/1.0', ['POST']],
  ['/services/collector/health', ['GET']],
  ['/services/collector/health/1.0', ['GET']],
  ['/_bulk', ['POST', 'PUT']],
  ['/{index}/_bulk', ['POST', 'PUT']],
  ['/', ['GET', 'HEAD']],
  ['/_license', ['GET']],
  ['/firehose', ['POST']],
  ['/health', ['GET', 'HEAD']],
];
