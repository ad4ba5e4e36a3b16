import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Endpoints } from '../../shared/adapters/clients.ts';
import { waitFor } from '../helpers/local.ts';

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
  const line = <T>(key: string) => waitFor(() => lines.find((l) => key in l)?.[key] as T | undefined, 30_000);
  return { child, line };
}

const answers = (url: string) =>
  fetch(url).then(
    () => true,
    () => false,
  );

describe('local emulators', () => {
  it("keep serving through a Ctrl-C to the starting process's group, until it stops them", async () => {
    const host = startHost();
    await host.line<Endpoints>('endpoints');
    process.kill(-host.child.pid!, 'SIGINT');
    expect(await host.line<boolean>('alive')).toBe(true);
    await waitFor(() => host.child.exitCode !== null || undefined);
  });

  it('stop, leaving no temporary folder, when the process that started them dies', async () => {
    const tmp = join(mkdtempSync(join(tmpdir(), 'sluice-emulators-')), 'tmp');
    mkdirSync(tmp);
    const host = startHost({ TMPDIR: tmp });
    const endpoints = await host.line<Endpoints>('endpoints');
    orphans.push(
      ...execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(host.child.pid)], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes('serve.mjs'))
        .map((l) => Number.parseInt(l, 10)),
    );
    expect(orphans).toHaveLength(4);
    const s3Folders = () => readdirSync(tmp).filter((f) => f.startsWith('sluice-s3-'));
    expect(s3Folders()).toHaveLength(1);
    host.child.kill('SIGKILL');
    for (const url of Object.values(endpoints)) {
      await waitFor(async () => !(await answers(url)) || undefined, 5_000, `${url} to close`);
    }
    await waitFor(() => s3Folders().length === 0 || undefined, 5_000, 'the s3 folder to go');
  });
});
