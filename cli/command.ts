/** Streams a command reads and writes; tests pass their own. */
export interface CliIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** One `sluice <name>` subcommand. `run` returns the process exit code and never throws for user errors. */
export interface Command {
  name: string;
  /** One line for `sluice --help`. */
  summary: string;
  /** Full usage text for `sluice <name> --help`. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
