import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAULT_TARGETS = ['kinesis', 'dynamodb', 's3'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];

export interface FaultProxyOptions {
  /** Emulator base URL, e.g. http://127.0.0.1:4567. */
  target: string;
  /** Which API's error shapes to answer with. */
  kind: FaultTarget;
  /** Share of calls answered with an error instead of being forwarded (0–1). */
  failureRate: number;
  /** Share of the failures that are throttling (the rest are 500s). Default 0.5. */
  throttleShare?: number;
  random?: () => number;
}

export interface FaultProxy {
  url: string;
  /** Calls forwarded and calls failed, by status. */
  stats(): { forwarded: number; failed: Record<number, number> };
  setFailureRate(rate: number): void;
  close(): Promise<void>;
}

interface Fault {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const json = (version: '1.0' | '1.1', status: number, type: string, message: string): Fault => ({
  status,
  headers: { 'content-type': `application/x-amz-json-${version}`, 'x-amzn-errortype': type },
  body: JSON.stringify({ __type: type, message }),
});

const xml = (status: number, code: string, message: string): Fault => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`,
});

/** The error answers each service really gives under load (what the SDKs and our retry code must handle). */
const FAULTS: Record<FaultTarget, { throttle: Fault[]; server: Fault[] }> = {
  kinesis: {
    throttle: [
      json('1.1', 400, 'ProvisionedThroughputExceededException', 'Rate exceeded for shard'),
      json('1.1', 400, 'LimitExceededException', 'Rate exceeded'),
    ],
    server: [json('1.1', 500, 'InternalFailure', 'Internal service failure')],
  },
  dynamodb: {
    throttle: [
      json(
        '1.0',
        400,
        'com.amazonaws.dynamodb.v20120810#ThrottlingException',
        'Rate of requests exceeds the allowed throughput.',
      ),
      json(
        '1.0',
        400,
        'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
        'The level of configured provisioned throughput for the table was exceeded.',
      ),
    ],
    server: [
      json('1.0', 500, 'com.amazonaws.dynamodb.v20120810#InternalServerError', 'Internal server error'),
    ],
  },
  s3: {
    throttle: [xml(503, 'SlowDown', 'Please reduce your request rate.')],
    server: [xml(500, 'InternalError', 'We encountered an internal error. Please try again.')],
  },
};

/**
 * An HTTP proxy in front of one emulator that answers a share of the calls with throttling or 5xx errors without
 * forwarding them, as AWS does when it sheds load: the call had no effect and the client must retry it.
 * Loopback only.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  const random = options.random ?? Math.random;
  const throttleShare = options.throttleShare ?? 0.5;
  let rate = options.failureRate;
  let forwarded = 0;
  const failed: Record<number, number> = {};

  const fail = (req: IncomingMessage, res: ServerResponse) => {
    const set = random() < throttleShare ? FAULTS[options.kind].throttle : FAULTS[options.kind].server;
    const fault = set[Math.floor(random() * set.length)]!;
    failed[fault.status] = (failed[fault.status] ?? 0) + 1;
    // Read the whole body first: answering early would break the client's keep-alive connection.
    req.resume();
    req.on('end', () => {
      res.writeHead(fault.status, { ...fault.headers, 'content-length': Buffer.byteLength(fault.body) });
      res.end(fault.body);
    });
  };

  const server = createServer((req, res) => {
    if (random() < rate) return fail(req, res);
    forwarded++;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ forwarded, failed: { ...failed } }),
    setFailureRate(r) {
      rate = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
