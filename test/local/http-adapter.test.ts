import { request } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServedLambda, serveLambda } from '../../local/http-adapter.ts';

let served: ServedLambda;
let last: APIGatewayProxyEventV2 | undefined;

beforeAll(async () => {
  served = await serveLambda(async (event) => {
    last = event;
    switch (event.rawPath) {
      case '/string':
        return 'plain string result';
      case '/throw':
        throw new Error('boom');
      case '/binary':
        return { statusCode: 201, isBase64Encoded: true, body: Buffer.from([0, 1, 2]).toString('base64') };
      case '/cookies':
        return { statusCode: 200, cookies: ['a=1', 'b=2'], body: '' };
      default:
        return {
          statusCode: 200,
          headers: { 'X-Echo': 'yes', 'content-type': 'application/json' },
          body: '{"ok":true}',
        };
    }
  });
});
afterAll(async () => {
  await served?.close();
});

describe('serveLambda', () => {
  it('binds loopback and builds the v2 event like API Gateway (base64 body, lower-case headers)', async () => {
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${served.url}/a/b?x=1&y=2&x=3`, {
      method: 'POST',
      headers: { 'X-Custom': 'v', Cookie: 'c1=1; c2=2', 'User-Agent': 'ua/1' },
      body: 'héllo',
    });
    expect([res.status, res.headers.get('x-echo'), await res.json()]).toEqual([200, 'yes', { ok: true }]);
    expect(last).toMatchObject({
      version: '2.0',
      rawPath: '/a/b',
      rawQueryString: 'x=1&y=2&x=3',
      queryStringParameters: { x: '1,3', y: '2' },
      cookies: ['c1=1', 'c2=2'],
      headers: { 'x-custom': 'v', 'user-agent': 'ua/1' },
      isBase64Encoded: true,
      requestContext: { http: { method: 'POST', path: '/a/b', sourceIp: '127.0.0.1', userAgent: 'ua/1' } },
    });
    expect(Buffer.from(last!.body!, 'base64').toString()).toBe('héllo');
    expect(last!.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('joins repeated headers with commas and omits an empty body', async () => {
    await new Promise<void>((resolve) => {
      const req = request(`${served.url}/h`, { method: 'GET', headers: { 'x-multi': ['a', 'b'] } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.end();
    });
    expect(last!.headers['x-multi']).toBe('a,b');
    expect(last!.body).toBeUndefined();
  });

  it('maps results: string, base64 body, cookies, HEAD without body, a thrown error → 500', async () => {
    expect(await (await fetch(`${served.url}/string`)).text()).toBe('plain string result');
    const bin = await fetch(`${served.url}/binary`);
    expect([bin.status, [...new Uint8Array(await bin.arrayBuffer())]]).toEqual([201, [0, 1, 2]]);
    expect((await fetch(`${served.url}/cookies`)).headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const head = await fetch(`${served.url}/x`, { method: 'HEAD' });
    expect([head.status, await head.text(), head.headers.get('x-echo')]).toEqual([200, '', 'yes']);
    const err = await fetch(`${served.url}/throw`);
    expect([err.status, await err.json()]).toEqual([500, { message: 'Internal Server Error' }]);
  });

  it('refuses bodies over 10 MB with 413 (declared or chunked) without calling the handler', async () => {
    last = undefined;
    const declared = await fetch(`${served.url}/big`, {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 1),
    });
    expect(declared.status).toBe(413);
    const chunks = (async function* () {
      for (let i = 0; i < 11; i++) yield new Uint8Array(1024 * 1024);
    })();
    const chunked = await fetch(`${served.url}/big`, {
      method: 'POST',
      body: chunks as unknown as string,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(last).toBeUndefined();
    const exact = await fetch(`${served.url}/ok`, { method: 'POST', body: Buffer.alloc(10 * 1024 * 1024) });
    expect(exact.status).toBe(200);
  });
});
