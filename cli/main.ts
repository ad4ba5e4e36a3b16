import { SluiceError } from '../shared/errors.ts';
import type { CliIO, Command } from './command.ts';
import { UsageError } from './errors.ts';

/** Summaries repeat each command's own `summary` (test/cli checks they agree). Commands load lazily: `sluice process` should not pay for the AWS SDK that `sluice query` needs. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  validate: {
    summary: 'check a configuration file and print what it defines',
    load: async () => (await import('./commands/validate.ts')).validateCommand,
  },
  process: {
    summary: 'run the pipeline over NDJSON or text lines: masked NDJSON on stdout, a summary on stderr',
    load: async () => (await import('./commands/process.ts')).processCommand,
  },
  send: {
    summary: 'send log lines (NDJSON or text) to an ingest endpoint, by default the local stack',
    load: async () => (await import('./commands/send.ts')).sendCommand,
  },
  tail: {
    summary: 'print the masked records stored in the bucket of the local stack (--follow for new ones)',
    load: async () => (await import('./commands/tail.ts')).tailCommand,
  },
  query: {
    summary: 'totals and top patterns of a tenant, summed across regions',
    load: async () => (await import('./commands/query.ts')).queryCommand,
  },
  redrive: {
    summary: 're-inject records parked in the failure store into their region stream',
    load: async () => (await import('./commands/redrive.ts')).redriveCommand,
  },
  cost: {
    summary:
      'monthly AWS cost per line item for a daily volume, from the config, list prices and bench ratios',
    load: async () => (await import('./commands/cost.ts')).costCommand,
  },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `usage: sluice <command> [options]\n\ncommands:\n${rows.join('\n')}\n\nsluice <command> --help shows a command's options.\n`;
}

/** Entry point of the `sluice` bin. Returns the exit code; user errors are printed, never thrown. */
export async function main(argv: string[], io: CliIO = process): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name ? 0 : 2;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`sluice: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      io.stderr.write(`sluice ${name}: ${err.message}\n\n${command.usage}\n`);
      return 2;
    }
    if (err instanceof SluiceError) {
      // Typed errors of sluice's modules carry user-facing messages; anything else is a bug and keeps its stack.
      io.stderr.write(`sluice ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
