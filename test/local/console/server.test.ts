import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPlayground } from '../../../local/console/playground.ts';
import { type ConsoleServer, startConsoleServer } from '../../../local/console/server.ts';

const TOKEN = 'test-session-token';
let server: ConsoleServer;
let port: number;

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw request (fetch would refuse to set Host), to 127.0.0.1 unless `address` says otherwise. */
function call(
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; address?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: o.address ?? '127.0.0.1', port, path, method: o.method ?? 'GET', headers: o.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
const auth = { authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  server = await startConsoleServer({
    port: 0,
    token: TOKEN,
    api: {
      live: async () => ({ totals: { recordsIn: 7 } }),
      samples: () => ({ lines: ['x'], rules: '' }),
      playground: ({ lines, rules }) => runPlayground(lines, rules, { tenant: 't', region: 'eu' }),
    },
  });
  port = Number(new URL(server.origin).port);
});
afterAll(() => server.close());

describe('console server', () => {
  it('binds to loopback only and prints its URL with the session token', async () => {
    expect(server.origin).toBe(`http://127.0.0.1:${port}`);
    expect(server.url).toBe(`${server.origin}/?token=${TOKEN}`);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal);
    if (external) {
      await expect(call('/api/live', { address: external.address, headers: auth })).rejects.toThrow(
        /ECONNREFUSED/,
      );
    }
  });

  it('refuses every path without the token, and with a wrong one', async () => {
    for (const path of ['/', '/app.js', '/api/live', '/vendor/uPlot.iife.min.js', '/nope']) {
      const r = await call(path);
      expect(r.status, path).toBe(401);
      expect(JSON.parse(r.body).error).toMatch(/session token required/);
    }
    expect((await call('/api/live', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await call('/?token=wrong')).status).toBe(401);
    expect((await call('/api/live', { headers: { cookie: 'sluice_console=wrong' } })).status).toBe(401);
  });

  it('trades the token in the printed URL for a strict cookie, which then opens the page and the API', async () => {
    const r = await call(`/?token=${TOKEN}`);
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const jar = cookie.split(';')[0]!;
    const page = await call('/', { headers: { cookie: jar } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('data-testid="records-in"');
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const live = await call('/api/live', { headers: { cookie: jar } });
    expect(JSON.parse(live.body)).toEqual({ totals: { recordsIn: 7 } });
  });

  it('serves uPlot from node_modules (no CDN)', async () => {
    const js = await call('/vendor/uPlot.iife.min.js', { headers: auth });
    expect(js.status).toBe(200);
    expect(js.body).toMatch(/uPlot/);
    expect((await call('/vendor/uPlot.min.css', { headers: auth })).status).toBe(200);
  });

  it('answers 404 for unknown paths and 405 for a wrong method', async () => {
    const r = await call('/api/secrets', { headers: auth });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body).error).toBe('no such page: /api/secrets');
    expect((await call('/../../etc/passwd', { headers: auth })).status).toBe(404);
    expect((await call('/api/live', { method: 'DELETE', headers: auth })).status).toBe(405);
    expect((await call('/api/playground', { headers: auth })).status).toBe(405);
  });

  it('refuses a request naming another host (DNS rebinding)', async () => {
    const r = await call('/api/live', { headers: { ...auth, host: `evil.example:${port}` } });
    expect(r.status).toBe(421);
    expect(JSON.parse(r.body).error).toMatch(/answers only to 127\.0\.0\.1/);
  });

  it('validates playground requests: JSON only, bounded, rule errors at their key path', async () => {
    const post = (body: string, type = 'application/json') =>
      call('/api/playground', { method: 'POST', headers: { ...auth, 'content-type': type }, body });
    expect((await post('{}', 'text/plain')).status).toBe(415);
    const bad = await post('not json');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/body must be JSON/);
    expect((await post(JSON.stringify({ lines: 1, rules: '' }))).status).toBe(400);
    expect((await post(JSON.stringify({ lines: 'x'.repeat(1_100_000), rules: '' }))).status).toBe(413);
    const invalid = await post(
      JSON.stringify({ lines: '{"message":"hi"}', rules: 'mask: { mode: scramble }' }),
    );
    expect(invalid.status).toBe(200);
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, errors: [{ path: 'mask.mode' }] });
    const ok = await post(JSON.stringify({ lines: '{"message":"mail ada@example.com"}', rules: '' }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).result.lines[0].output).toContain('mail <email>');
  });

  it('keeps internal failures to a short message without a stack', async () => {
    const failing = await startConsoleServer({
      port: 0,
      token: TOKEN,
      api: {
        live: async () => {
          throw new TypeError('secret detail at /work/main/x.ts:1');
        },
        samples: () => ({}),
        playground: () => ({ ok: false, errors: [] }),
      },
    });
    try {
      const res = await fetch(`${failing.origin}/api/live`, { headers: auth });
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: 'internal error (TypeError)' });
    } finally {
      await failing.close();
    }
  });
});
