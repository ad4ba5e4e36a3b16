// Runs one AWS-API emulator in its own process, bound to 127.0.0.1, and prints {"port":N} once it listens.
// Separate processes let the emulators use both cores and keep their memory out of the caller's heap.
// Usage: node --openssl-legacy-provider serve.mjs <kinesis|dynamodb|s3|sqs> <port> [dataDir]
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [kind, portArg, dataDir] = process.argv.slice(2);
const port = Number(portArg ?? 0);
const host = '127.0.0.1';

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
      const { mkdtempSync } = await import('node:fs');
      const { tmpdir } = await import('node:os');
      const { join } = await import('node:path');
      const directory = dataDir ?? mkdtempSync(join(tmpdir(), 'sluice-s3-'));
      const s3 = new S3rver({ address: host, port, silent: true, directory, resetOnClose: !dataDir });
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
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
