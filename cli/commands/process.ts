import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { SluiceConfig, Tenant } from '../../shared/config/load.ts';
import { LOCAL_HMAC_ENV } from '../../shared/local/state.ts';
import { createPipeline } from '../../shared/pipeline/pipeline.ts';
import type { NormalizeContext } from '../../shared/record/normalize.ts';
import { parseLogLine } from '../../shared/record/parse-line.ts';
import type { LogRecord } from '../../shared/record/record.ts';
import type { Command } from '../command.ts';
import { resolveConfig } from '../config-option.ts';
import { UsageError } from '../errors.ts';
import { formatSummary } from '../summary.ts';

/** Lines are processed in chunks so memory stays flat on large inputs while suppression state spans the run. */
const CHUNK = 1000;

function pickTenant(config: SluiceConfig, id: string | undefined): Tenant {
  const tenant = id ? config.tenants.find((t) => t.id === id) : config.tenants[0];
  if (!tenant) {
    throw new UsageError(
      id
        ? `unknown tenant "${id}" (config has: ${config.tenants.map((t) => t.id).join(', ')})`
        : 'config has no tenant',
    );
  }
  return tenant;
}

/**
 * HMAC keys from the CLI come from the environment only: the CLI never reaches into AWS secrets stores. A key the
 * config keeps in Secrets Manager or SSM is read from $SLUICE_LOCAL_HMAC_KEY, as the local stack does.
 */
function hmacKey(tenant: Tenant): Uint8Array | undefined {
  const ref = tenant.pipeline.mask.hmacKey;
  if (!ref) return undefined;
  const variable = 'env' in ref ? ref.env : LOCAL_HMAC_ENV;
  const value = process.env[variable];
  if (!value)
    throw new UsageError(`tenant "${tenant.id}" has mask.hmacKey: set $${variable} to the HMAC key`);
  return new TextEncoder().encode(value);
}

export const processCommand: Command = {
  name: 'process',
  summary: 'run the pipeline over NDJSON or text lines: masked NDJSON on stdout, a summary on stderr',
  usage:
    'sluice process [--config FILE] [--tenant ID] [--input FILE]\n' +
    '  Reads stdin (or --input), writes kept, masked records as NDJSON to stdout in input order.\n' +
    '  Without --config: built-in defaults (every detector on, typed placeholders, nothing dropped).',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' },
        tenant: { type: 'string', short: 't' },
        input: { type: 'string', short: 'i' },
      },
    });
    const config = resolveConfig(values.config, true);
    const tenant = pickTenant(config, values.tenant);
    const pipeline = createPipeline(tenant.pipeline, { hmacKey: hmacKey(tenant) });
    const session = pipeline.session();
    const receivedAt = Date.now();
    let seq = 0;
    const ctx: NormalizeContext = {
      tenant: tenant.id,
      region: tenant.homeRegion,
      protocol: 'cli',
      receivedAt,
      nextId: () => `cli-${receivedAt.toString(36)}-${(seq++).toString(36)}`,
    };

    const input = values.input ? createReadStream(values.input) : io.stdin;
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
    let chunk: LogRecord[] = [];
    const flush = () => {
      const outputs = session.push(chunk);
      if (outputs.length > 0) io.stdout.write(`${outputs.map((o) => o.line).join('\n')}\n`);
      chunk = [];
    };
    for await (const line of lines) {
      if (line.trim().length === 0) continue;
      chunk.push(parseLogLine(line, ctx));
      if (chunk.length >= CHUNK) flush();
    }
    flush();
    const result = session.end();
    if (result.outputs.length > 0) io.stdout.write(`${result.outputs.map((o) => o.line).join('\n')}\n`);
    io.stderr.write(formatSummary(result.stats, result.aggregates));
    return 0;
  },
};
