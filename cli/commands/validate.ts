import { parseArgs } from 'node:util';
import type { Command } from '../command.ts';
import { resolveConfig } from '../config-option.ts';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a configuration file and print what it defines',
  usage: 'sluice validate [--config FILE]   (default: $SLUICE_CONFIG, else config/example.yaml)',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'c' } } });
    const path = values.config ?? process.env.SLUICE_CONFIG ?? 'config/example.yaml';
    const config = resolveConfig(path, false);
    const regions = Object.entries(config.regions).map(([name, r]) => `${name} (${r.awsRegion})`);
    io.stdout.write(
      `${path}: valid\n` +
        `  regions: ${regions.join(', ')}\n` +
        `  tenants: ${config.tenants.map((t) => `${t.id}@${t.homeRegion}`).join(', ') || '(none)'}\n` +
        `  rules hash: ${config.rulesHash}\n`,
    );
    return 0;
  },
};
