// Runs one AWS-API emulator in its own process, bound to 127.0.0.1, and prints {"port":N} once it listens.
// Separate processes let the emulators use both cores and keep their memory out of the caller's heap.
// Usage: node --openssl-legacy-provider serve.mjs <kinesis|dynamodb|s3|sqs> <port> [dataDir]
// It runs in its own process group (a terminal's Ctrl-C is for the stack, which stops it once its batches are done)
// and stops when its parent goes away (the IPC channel closes), however the parent ended.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const [kind, portArg, dataDir] = process.argv.slice(2);
const port = Number(portArg ?? 0);
const host = '127.0.0.1';
/** Cleanups to run before exiting (in-memory s3rver: its temporary folder). */
const cleanups = [];

async function listen(server) {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server.address().port;
}

async function start() {
  switch (kind) {
    case 'kinesis': {
      // Records become readable immediately; shard iterators last 5 min as in AWS.
      const opts = { createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 100 };
      if (dataDir) opts.path = dataDir;
      return listen(require('kinesalite')(opts));
    }
    case 'dynamodb': {
      const opts = { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 };
      if (dataDir) opts.path = dataDir;
      return listen(require('dynalite')(opts));
    }
    case 's3': {
      const S3rver = require('s3rver');
      // s3rver keeps objects in files only: "in memory" is a temporary folder, removed on exit.
      const directory = dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-s3-'));
      if (!dataDir) process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
      const s3 = new S3rver({ address: host, port, silent: true, directory });
      cleanups.push(() => s3.close());
      const address = await s3.run();
      return address.port;
    }
    case 'sqs': {
      const { createSqsServer } = require('local-aws-sqs');
      const server = await createSqsServer({ port, hostname: host });
      if (!server.listening) await new Promise((r) => server.once('listening', r));
      return server.address().port;
    }
    default:
      throw new Error(`unknown emulator kind "${kind}"`);
  }
}

start().then(
  (p) => process.stdout.write(`${JSON.stringify({ port: p })}\n`),
  (err) => {
    process.stderr.write(`emulator ${kind} failed to start: ${err.message}\n`);
    process.exit(1);
  },
);
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  // Open keep-alive connections can hold a server's close: give the cleanups a moment, then exit regardless.
  const settled = Promise.allSettled(cleanups.map((c) => c()));
  Promise.race([settled, new Promise((r) => setTimeout(r, 500))]).then(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop);
