/**
 * The base of every typed error of sluice. `message` is user-facing: it names the problem and what to do, never
 * quotes record data or secrets, and is printed without a stack trace (the CLI, `cdk synth`, HTTP responses).
 */
export interface SluiceErrorOptions extends ErrorOptions {
  /** Process exit code when this error ends a command (default 1). */
  exitCode?: number;
  /** True when the same operation may succeed if tried again (throttling, timeouts, a lost race). Default false. */
  retryable?: boolean;
}

export class SluiceError extends Error {
  override readonly name: string = 'SluiceError';
  readonly exitCode: number;
  readonly retryable: boolean;

  constructor(message: string, options: SluiceErrorOptions = {}) {
    const { exitCode = 1, retryable = false, ...errorOptions } = options;
    super(message, errorOptions);
    this.exitCode = exitCode;
    this.retryable = retryable;
  }
}
