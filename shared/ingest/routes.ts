import { datadogProtocol } from './protocols/datadog.ts';
import { esProtocol } from './protocols/es.ts';
import { firehoseProtocol } from './protocols/firehose.ts';
import { hecEventProtocol, hecRawProtocol } from './protocols/hec.ts';
import { ingestProtocol } from './protocols/ingest.ts';
import { lokiProtocol } from './protocols/loki.ts';
import { metaProtocol } from './protocols/meta.ts';
import { otlpProtocol } from './protocols/otlp.ts';
import type { IngestProtocol, RouteSpec } from './protocols/types.ts';

/** Every protocol the edge speaks; each declares its own routes. */
export const INGEST_PROTOCOLS: readonly IngestProtocol<never>[] = [
  ingestProtocol,
  otlpProtocol,
  hecEventProtocol,
  hecRawProtocol,
  esProtocol,
  firehoseProtocol,
  lokiProtocol,
  datadogProtocol,
  metaProtocol,
] as IngestProtocol<never>[];

export interface Route extends RouteSpec {
  protocol: IngestProtocol<unknown>;
  /** Path parameters (`{index}`), decoded. */
  params: Readonly<Record<string, string>>;
}

/** A path parameter is one segment; `_`-led segments are Elasticsearch's own endpoints, never an index. */
const PARAM = '([^/_][^/]{0,254})';

interface CompiledRoute {
  spec: RouteSpec;
  protocol: IngestProtocol<unknown>;
  pattern: RegExp | undefined;
  names: string[];
}

const TABLE: readonly CompiledRoute[] = INGEST_PROTOCOLS.flatMap((protocol) =>
  protocol.routes.map((spec) => {
    const names = [...spec.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const pattern =
      names.length === 0
        ? undefined
        : new RegExp(`^${spec.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, PARAM)}$`);
    return { spec, protocol: protocol as IngestProtocol<unknown>, pattern, names };
  }),
);

const EXACT = new Map(TABLE.filter((r) => !r.pattern).map((r) => [r.spec.path, r] as const));
const PATTERNS = TABLE.filter((r) => r.pattern);

/** Finds the route for a path (trailing slash tolerated); undefined = 404. Method checks are the caller's. */
export function matchRoute(rawPath: string): Route | undefined {
  const path = rawPath.length > 1 && rawPath.endsWith('/') ? rawPath.slice(0, -1) : rawPath;
  const exact = EXACT.get(path);
  if (exact) return { ...exact.spec, protocol: exact.protocol, params: {} };
  for (const r of PATTERNS) {
    const m = r.pattern!.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    try {
      r.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]!);
      });
    } catch {
      return undefined;
    }
    return { ...r.spec, protocol: r.protocol, params };
  }
  return undefined;
}

/**
 * Every path `matchRoute` serves, with its methods, in API Gateway's path syntax (`{index}` is one segment). The
 * CDK app routes exactly these to the ingest function, so a shipper that works against the local stack works
 * against the deployed API. Trailing slashes are served locally only.
 */
export const SERVED_ROUTES: ReadonlyArray<readonly [path: string, methods: readonly string[]]> = TABLE.map(
  (r) => [r.spec.path, r.spec.methods] as const,
);
