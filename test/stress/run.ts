/**
 * Runs the e2e and local suites N times with two CPU hogs beside them (a busy 2-core machine) and reports each
 * run's failures: flaky tests show up here rather than at random in someone's landing. Not part of `npm test`.
 * Usage: npm run test:stress -- [N=10] [vitest filters…]   (logs under $TMPDIR/sluice-stress-<time>/)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [countArg, ...filters] = process.argv.slice(2);
const runs = Number(countArg ?? 10);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write(
    `usage: npm run test:stress -- [runs] [vitest filters]; "${countArg}" is not a run count\n`,
  );
  process.exit(2);
}
const suites = filters.length > 0 ? filters : ['test/e2e', 'test/local'];
const HOGS = 2;
const logDir = join(tmpdir(), `sluice-stress-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(logDir, { recursive: true });

/** A busy loop in its own process: one core's worth of competition for the suite. */
const hogs: ChildProcess[] = Array.from({ length: HOGS }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopHogs = () => {
  for (const h of hogs) if (h.exitCode === null && h.signalCode === null) h.kill('SIGKILL');
};
process.once('exit', stopHogs);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    stopHogs();
    process.exit(130);
  });
}

interface Run {
  ok: boolean;
  seconds: number;
  failures: string[];
  log: string;
}

/** `FAIL file > test` lines and unhandled errors, from vitest's default reporter (ANSI colours stripped). */
function failuresIn(output: string): string[] {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const lines = plain.split('\n').map((l) => l.trim());
  const failed = lines.filter((l) => /^FAIL\s/.test(l)).map((l) => l.replace(/^FAIL\s+/, ''));
  const unhandled = lines.filter((l) => /^(Unhandled (Rejection|Error)|Error: Test timed out)/.test(l));
  return [...new Set([...failed, ...unhandled])];
}

function runOnce(i: number): Promise<Run> {
  const log = join(logDir, `run-${i}.log`);
  const out = createWriteStream(log);
  const started = Date.now();
  const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...suites], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  vitest.stdout.pipe(out, { end: false });
  vitest.stderr.pipe(out, { end: false });
  return new Promise((resolve) => {
    vitest.once('close', (code) => {
      out.end(() => {
        const failures = failuresIn(readFileSync(log, 'utf8'));
        resolve({ ok: code === 0, seconds: Math.round((Date.now() - started) / 1000), failures, log });
      });
    });
  });
}

process.stdout.write(
  `stress: ${runs} runs of ${suites.join(' ')} beside ${HOGS} CPU hogs; logs in ${logDir}\n`,
);
const results: Run[] = [];
for (let i = 1; i <= runs; i++) {
  const r = await runOnce(i);
  results.push(r);
  const detail = r.ok ? '' : ` — ${r.failures.length > 0 ? r.failures.join('; ') : 'see log'} (${r.log})`;
  process.stdout.write(`run ${i}/${runs}: ${r.ok ? 'pass' : 'FAIL'} in ${r.seconds} s${detail}\n`);
}
stopHogs();
const passed = results.filter((r) => r.ok).length;
const secs = results.map((r) => r.seconds).sort((a, b) => a - b);
process.stdout.write(
  `stress: ${passed}/${runs} passed with ${HOGS} CPU hogs; run time ${secs[0]}–${secs.at(-1)} s ` +
    `(median ${secs[Math.floor(secs.length / 2)]} s)\n`,
);
process.exit(passed === runs ? 0 : 1);
