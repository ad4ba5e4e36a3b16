import { SluiceError } from '../shared/errors.ts';

/** The app cannot be built from this checkout (a handler entry is missing). Printed without a stack trace. */
export class InfraError extends SluiceError {
  override readonly name = 'InfraError';
}
