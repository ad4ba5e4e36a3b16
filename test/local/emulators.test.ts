import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../shared/adapters/clients.ts';
import { waitFor, within } from '../helpers/local.ts';

/**
 * The emulators' lifetime around the process that started them (`npm start`): a terminal's Ctrl-C must not stop
 * them under the stack's feet (it stops them itself once its batches in flight are done), and they must not
 * outlive it when it dies without stopping them.
 */

const HOST = fileURLToPath(new URL('./fixtures/emulator-host.ts', import.meta.url));
const started: ChildProcess[] = [];
const orphans: number[] = [];

afterEach(() => {
  for (const pid of [...started.splice(0).map((c) => c.pid!), ...orphans.splice(0)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

/** Starts the host in a process group of its own, as a shell does with a foreground job. */
function startHost(env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', HOST], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  started.push(child);
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
  // Starting tsx, the SDK and four emulator processes takes seconds when the cores are busy.
  const line = <T>(key: string) =>
    waitFor(() => lines.find((l) => key in l)?.[key] as T | undefined, 60_000, `the host to print "${key}"`);
  return { child, line };
}

/**
 * Whether something answers HTTP at `url`. Bounded: without a timeout one probe could wait on a connection nobody
 * serves (undici's header timeout is 5 min) and eat the test's whole budget with no message; a probe that times out
 * counts as "still there" and is retried.
 */
const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    (err: Error) => err.name === 'TimeoutError',
  );

/** Whether `pid` still runs: a zombie (exited, not yet reaped by an init that may never reap it) does not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('local emulators', () => {
  it("keep serving through a Ctrl-C to the starting process's group, until it stops them", async () => {
    const host = startHost();
    await host.line<Endpoints>('endpoints');
    process.kill(-host.child.pid!, 'SIGINT');
    expect(await host.line<boolean>('alive')).toBe(true);
    await waitFor(() => host.child.exitCode !== null || undefined);
  });

  it('stop, leaving no temporary folder, when the process that started them dies', {
    timeout: 120_000,
  }, async () => {
    const tmp = join(mkdtempSync(join(tmpdir(), 'sluice-emulators-')), 'tmp');
    mkdirSync(tmp);
    const host = startHost({ TMPDIR: tmp });
    const endpoints = await host.line<Endpoints>('endpoints');
    const emulators = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(host.child.pid)], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((l) => l.includes('serve.mjs'))
      .map((l) => Number.parseInt(l, 10));
    orphans.push(...emulators);
    expect(emulators).toHaveLength(4);
    const s3Folders = () => readdirSync(tmp).filter((f) => f.startsWith('sluice-s3-'));
    expect(s3Folders()).toHaveLength(1);
    host.child.kill('SIGKILL');
    // Each emulator notices its parent's death on its IPC channel and exits within ~0.5 s (serve.mjs); 10 s is
    // room for a loaded machine, and each wait says what did not happen.
    await within(10_000, 'the emulators to exit after their parent died', () =>
      waitFor(() => emulators.every((pid) => !running(pid)) || undefined, 10_000, 'the emulators to exit'),
    );
    await within(10_000, 'the emulator ports to close', () =>
      Promise.all(
        Object.values(endpoints).map((url) =>
          waitFor(async () => !(await answers(url)) || undefined, 10_000, `${url} to close`),
        ),
      ),
    );
    await within(10_000, 'the in-memory s3 folder to be removed', () =>
      waitFor(() => s3Folders().length === 0 || undefined, 10_000, 'the s3 folder to go'),
    );
  });
});
