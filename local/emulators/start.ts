import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Endpoints } from '../../shared/adapters/clients.ts';

export const EMULATOR_KINDS = ['kinesis', 'dynamodb', 's3', 'sqs'] as const;
export type EmulatorKind = (typeof EMULATOR_KINDS)[number];

export interface Emulators {
  readonly endpoints: Endpoints;
  /** Stops one emulator (fault tests) or, without argument, all of them. */
  stop(kind?: EmulatorKind): Promise<void>;
}

export interface StartOptions {
  /** Persist data under this folder (one subfolder per emulator); in memory when absent. */
  dataDir?: string;
  /** Fixed ports; 0 or absent picks a free one. */
  ports?: Partial<Record<EmulatorKind, number>>;
}

const SERVE = fileURLToPath(new URL('./serve.mjs', import.meta.url));

function startOne(
  kind: EmulatorKind,
  port: number,
  dataDir?: string,
): Promise<{ port: number; child: ChildProcess }> {
  const args = ['--openssl-legacy-provider', SERVE, kind, String(port)];
  if (dataDir) {
    const dir = join(dataDir, kind);
    mkdirSync(dir, { recursive: true });
    args.push(dir);
  }
  // The s3rver ListObjectsV2 pagination path needs the legacy OpenSSL provider on Node 20 (local-emulators.md).
  // Detached: a terminal's Ctrl-C reaches the stack only, which stops the emulators after its batches in flight.
  // The IPC channel stops them when this process ends in any other way (crash, SIGKILL, forced exit).
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], detached: true });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve({ port: (JSON.parse(line) as { port: number }).port, child });
      } catch (err) {
        reject(new Error(`emulator ${kind} printed an unexpected line: ${line}`, { cause: err }));
      }
    });
    child.once('exit', (code) => reject(new Error(`emulator ${kind} exited with ${code}: ${stderr.trim()}`)));
  });
}

/** Starts kinesalite, dynalite, s3rver and local-aws-sqs on 127.0.0.1, each in its own process. */
export async function startEmulators(options: StartOptions = {}): Promise<Emulators> {
  const started = await Promise.all(
    EMULATOR_KINDS.map(
      async (kind) => [kind, await startOne(kind, options.ports?.[kind] ?? 0, options.dataDir)] as const,
    ),
  );
  const children = new Map(started.map(([kind, s]) => [kind, s.child]));
  const url = (kind: EmulatorKind) => `http://127.0.0.1:${started.find(([k]) => k === kind)![1].port}`;
  const stopChild = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.removeAllListeners('exit');
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return {
    endpoints: { kinesis: url('kinesis'), dynamodb: url('dynamodb'), s3: url('s3'), sqs: url('sqs') },
    async stop(kind) {
      const targets = kind ? [children.get(kind)] : [...children.values()];
      await Promise.all(targets.filter((c): c is ChildProcess => c !== undefined).map(stopChild));
    },
  };
}
