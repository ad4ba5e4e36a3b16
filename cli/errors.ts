import { SluiceError, type SluiceErrorOptions } from '../shared/errors.ts';

/** Wrong flags or arguments: printed with the command's usage, exit code 2. */
export class UsageError extends SluiceError {
  override readonly name = 'UsageError';
  constructor(message: string, options: Omit<SluiceErrorOptions, 'exitCode'> = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}
