import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { costModel } from '../../shared/cost/model.ts';
import { resolveRatios, resultsSchema } from '../../shared/cost/ratios.ts';
import { costTable } from '../../shared/cost/table.ts';
import type { Command } from '../command.ts';
import { resolveConfig } from '../config-option.ts';
import { UsageError } from '../errors.ts';

/** Where the benches write the ratios they measure (bench:ingest, bench:process). */
export const DEFAULT_RESULTS = fileURLToPath(new URL('../../bench/results.json', import.meta.url));

/** The results file's ratios; a missing default file means "no measurement yet", a named one must exist. */
export function readResults(path: string | undefined) {
  const file = path ?? DEFAULT_RESULTS;
  if (path === undefined && !existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--results ${file}: ${(err as Error).message}`);
  }
  const parsed = resultsSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`--results ${file}: ${issue.path.join('.') || '(root)'} ${issue.message}`);
  }
  return parsed.data;
}

function positiveNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`--${flag} must be a number ≥ 0, got "${value}"`);
  return n;
}

export const costCommand: Command = {
  name: 'cost',
  summary: 'monthly AWS cost per line item for a daily volume, from the config, list prices and bench ratios',
  usage:
    'sluice cost [--config FILE] --gb-per-day X [--record-bytes B] [--region NAME] [--results FILE] [--json]\n' +
    '  --config        the deployment (default: $SLUICE_CONFIG, else config/example.yaml)\n' +
    '  --gb-per-day    raw log volume per day, decimal GB (1 TB = 1000)\n' +
    '  --record-bytes  average raw record size (default 500)\n' +
    '  --region        residency region that receives the volume (default: first provisioned, else first)\n' +
    '  --results       measured ratios (default bench/results.json, written by npm run bench:ingest / bench:process)\n' +
    '  --json          {"total": USD, "lines": {item: USD}, "assumptions": {...}}',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        'gb-per-day': { type: 'string' },
        'record-bytes': { type: 'string' },
        region: { type: 'string', short: 'r' },
        results: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const gbPerDay = positiveNumber('gb-per-day', values['gb-per-day']);
    if (gbPerDay === undefined) throw new UsageError('--gb-per-day is required');
    const recordBytes = positiveNumber('record-bytes', values['record-bytes']);
    if (recordBytes === 0) throw new UsageError('--record-bytes must be > 0');
    const config = resolveConfig(values.config ?? process.env.SLUICE_CONFIG ?? 'config/example.yaml', false);
    if (values.region !== undefined && !(values.region in config.regions)) {
      throw new UsageError(
        `--region "${values.region}" is not under regions (${Object.keys(config.regions).join(', ')})`,
      );
    }
    const report = costModel({
      config,
      gbPerDay,
      ...(recordBytes !== undefined && { recordBytes }),
      ...(values.region !== undefined && { region: values.region }),
      ratios: resolveRatios(readResults(values.results)),
    });
    if (values.json) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const a = report.assumptions as {
      region: { name: string; awsRegion: string };
      prices: { asOf: string };
      kinesis: { shardsPriced?: number; mode: string };
    };
    io.stdout.write(
      `${costTable([{ title: `${gbPerDay} GB/day`, report }])}\n\n` +
        `volume in ${a.region.name} (${a.region.awsRegion}), Kinesis ${a.kinesis.mode}` +
        `${a.kinesis.shardsPriced ? ` (${a.kinesis.shardsPriced} shards)` : ''}; list prices as of ${a.prices.asOf}. ` +
        '--json shows every assumption.\n',
    );
    return 0;
  },
};
