import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlaygroundOutcome } from './playground.ts';

/** What the pages read; `console.ts` backs it with the local stack, the server tests with fixed answers. */
export interface ConsoleApi {
  live(): Promise<unknown>;
  samples(): unknown;
  playground(input: { lines: string; rules: string }): PlaygroundOutcome;
}

export interface ConsoleServerOptions {
  api: ConsoleApi;
  /** Port on 127.0.0.1; 0 = a free one. */
  port?: number;
  /** Session token; default a random one per start. */
  token?: string;
}

export interface ConsoleServer {
  /** Origin, e.g. `http://127.0.0.1:4319`. */
  origin: string;
  /** The URL to open: origin plus the session token. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/** Loopback only: the console shows masked records and runs rules; nothing else on the network should reach it. */
export const CONSOLE_HOST = '127.0.0.1';
export const DEFAULT_CONSOLE_PORT = 4319;
const COOKIE = 'sluice_console';
/** A playground request holds a few pasted lines and the rules (see PLAYGROUND_LIMITS); more is refused. */
const MAX_BODY_BYTES = 1024 * 1024;

const here = dirname(fileURLToPath(import.meta.url));
const uplotDist = dirname(createRequire(import.meta.url).resolve('uplot'));

const STATIC: Record<string, { file: string; type: string }> = {
  '/': { file: join(here, 'page', 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: join(here, 'page', 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/console.css': { file: join(here, 'page', 'console.css'), type: 'text/css; charset=utf-8' },
  '/vendor/uPlot.iife.min.js': {
    file: join(uplotDist, 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  '/vendor/uPlot.min.css': { file: join(uplotDist, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

const SECURITY_HEADERS = {
  // uPlot sizes its elements through element.style (allowed); no inline scripts anywhere.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  // The token is in the first URL: never send it on.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return v.join('=');
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const h = req.headers.authorization;
  return h?.startsWith('Bearer ') ? h.slice(7) : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, ...extra });
  res.end(body);
}
const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');

function playgroundInput(body: string): { lines: string; rules: string } {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw new HttpError(400, 'body must be JSON: {"lines": "...", "rules": "..."}');
  }
  const v = value as { lines?: unknown; rules?: unknown };
  if (typeof v !== 'object' || v === null || typeof v.lines !== 'string' || typeof v.rules !== 'string') {
    throw new HttpError(400, 'body must be {"lines": string, "rules": string}');
  }
  return { lines: v.lines, rules: v.rules };
}

/**
 * The console's HTTP server on 127.0.0.1. Every path needs the session token: `/?token=…` (the printed URL)
 * trades it for a SameSite=Strict cookie and redirects to `/`; API clients may send `Authorization: Bearer …`.
 * Requests naming another Host are refused, so a DNS-rebound page cannot read it either.
 */
export async function startConsoleServer(o: ConsoleServerOptions): Promise<ConsoleServer> {
  const token = o.token ?? randomBytes(18).toString('base64url');
  let port = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof HttpError ? err.message : `internal error (${(err as Error).name})`;
      if (!res.headersSent) json(res, status, { error: message });
      else res.destroy();
    });
  });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const host = req.headers.host ?? '';
    if (host !== `${CONSOLE_HOST}:${port}` && host !== `localhost:${port}`) {
      throw new HttpError(421, `this console answers only to ${CONSOLE_HOST}:${port}`);
    }
    const url = new URL(req.url ?? '/', `http://${host}`);
    const query = url.searchParams.get('token') ?? undefined;
    if (url.pathname === '/' && query !== undefined) {
      if (!sameToken(query, token))
        throw new HttpError(401, 'wrong session token: use the URL npm start printed');
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        location: '/',
        'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return;
    }
    if (!sameToken(cookieToken(req) ?? bearer(req), token)) {
      throw new HttpError(401, 'session token required: open the console URL npm start printed');
    }
    const method = req.method ?? 'GET';
    const route = `${method} ${url.pathname}`;
    const asset = STATIC[url.pathname];
    if (asset) {
      if (method !== 'GET' && method !== 'HEAD')
        throw new HttpError(405, `${method} not allowed on ${url.pathname}`);
      send(res, 200, method === 'HEAD' ? '' : await readFile(asset.file, 'utf8'), asset.type);
      return;
    }
    switch (route) {
      case 'GET /api/live':
        json(res, 200, await o.api.live());
        return;
      case 'GET /api/samples':
        json(res, 200, o.api.samples());
        return;
      case 'POST /api/playground': {
        if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
          throw new HttpError(415, 'content-type must be application/json');
        }
        // Rules that do not validate are an answer (`ok: false` with the errors), not a failed request.
        json(res, 200, o.api.playground(playgroundInput(await readBody(req))));
        return;
      }
      default:
        if (['/api/live', '/api/samples', '/api/playground'].includes(url.pathname)) {
          throw new HttpError(405, `${method} not allowed on ${url.pathname}`);
        }
        throw new HttpError(404, `no such page: ${url.pathname}`);
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? DEFAULT_CONSOLE_PORT, CONSOLE_HOST, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${CONSOLE_HOST}:${port}`;
  return {
    origin,
    url: `${origin}/?token=${token}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
