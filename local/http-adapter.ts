import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';

export type LambdaHttpHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;

export interface ServeOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Loopback unless told otherwise. */
  host?: string;
  /** API Gateway HTTP APIs refuse payloads over 10 MB with 413. */
  maxBodyBytes?: number;
}

export interface ServedLambda {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;

function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values && name !== 'cookie') headers[name] = values.join(',');
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = k in query ? `${query[k]},${v}` : v;
  const cookies = req.headers.cookie?.split(/;\s*/).filter((c) => c !== '');
  const now = new Date();
  const host = headers['host'] ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies && cookies.length > 0 && { cookies }),
    headers,
    ...(Object.keys(query).length > 0 && { queryStringParameters: query }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    // API Gateway omits an empty body; binary-safe here: always base64.
    ...(body.length > 0 && { body: body.toString('base64') }),
    isBase64Encoded: true,
  };
}

function send(req: IncomingMessage, res: ServerResponse, result: APIGatewayProxyResultV2): void {
  let status = 200;
  let headers: Record<string, string | number | boolean> = { 'content-type': 'application/json' };
  let body: Buffer;
  let cookies: string[] | undefined;
  if (typeof result === 'string') {
    body = Buffer.from(result);
  } else if (result && typeof result === 'object' && 'statusCode' in result) {
    status = result.statusCode ?? 200;
    headers = { ...(result.headers ?? {}) };
    cookies = result.cookies;
    body =
      result.body === undefined
        ? Buffer.alloc(0)
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  } else {
    body = Buffer.from(JSON.stringify(result));
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = String(v);
  if (cookies && cookies.length > 0) out['set-cookie'] = cookies;
  out['content-length'] = String(body.length);
  res.writeHead(status, out);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify({ message: 'Request Entity Too Large' });
  res.writeHead(413, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.end(body);
  // Discard (never buffer) whatever the client still sends; the connection closes after the answer.
  req.resume();
}

/**
 * Serves an API Gateway HTTP API (payload v2) Lambda handler on loopback, translating like API Gateway does:
 * lower-cased headers (repeated ones joined with commas), rawPath/rawQueryString, requestContext.http, a request
 * id, a base64 body; the result back (HEAD without body). Bodies over 10 MB get 413 without being buffered.
 */
export async function serveLambda(
  handler: LambdaHttpHandler,
  options: ServeOptions = {},
): Promise<ServedLambda> {
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const server = createServer((req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) return tooLarge(req, res);
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > max) {
        refused = true;
        chunks.length = 0;
        tooLarge(req, res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (refused) return;
      const event = toEvent(req, Buffer.concat(chunks, size));
      handler(event).then(
        (result) => send(req, res, result),
        () => send(req, res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) }),
      );
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
