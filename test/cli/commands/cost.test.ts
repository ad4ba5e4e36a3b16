import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';

async function sluice(args: string[]) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const code = await main(args, { stdin: new PassThrough(), stdout: out, stderr: err });
  return { code, stdout, stderr };
}

function resultsFile(doc: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'sluice-cost-')), 'results.json');
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

describe('sluice cost', () => {
  it('prints {total, lines, assumptions} with --json, the ratios from the results file marked measured', async () => {
    const results = resultsFile({ streamBytesPerRawByte: 0.2, processMiBps: 30 });
    const { code, stdout } = await sluice([
      'cost',
      '--config',
      'config/example.yaml',
      '--gb-per-day',
      '1000',
      '--results',
      results,
      '--json',
    ]);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['total', 'lines', 'assumptions']);
    const sum = Object.values(report.lines as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(report.total).toBeCloseTo(sum, 2);
    expect(report.assumptions.ratios.streamBytesPerRawByte).toEqual({ value: 0.2, source: 'measured' });
    expect(report.assumptions.ratios.processMiBps).toEqual({ value: 30, source: 'measured' });
    expect(report.assumptions.volume).toMatchObject({ gbPerDay: 1000, recordBytes: 500 });
  });

  it('prints a table whose total is the --json total', async () => {
    const results = resultsFile({});
    const args = ['cost', '--gb-per-day', '100', '--record-bytes', '300', '--results', results];
    const table = await sluice(args);
    const json = JSON.parse((await sluice([...args, '--json'])).stdout);
    expect(table.code).toBe(0);
    const total = json.total.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(table.stdout).toContain(`**${total}**`);
  });

  it('refuses a missing or bad volume, an unknown region and a broken results file, with exit code 2', async () => {
    const bad = resultsFile({ streamBytesPerRawByte: -1 });
    const cases: [string[], RegExp][] = [
      [['cost'], /--gb-per-day is required/],
      [['cost', '--gb-per-day', 'lots'], /--gb-per-day must be a number ≥ 0, got "lots"/],
      [['cost', '--gb-per-day', '1', '--region', 'ap'], /--region "ap" is not under regions \(eu, us\)/],
      [['cost', '--gb-per-day', '1', '--results', bad], /streamBytesPerRawByte/],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await sluice(args);
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
    }
  });
});
