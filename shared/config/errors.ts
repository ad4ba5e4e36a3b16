import { SluiceError } from '../errors.ts';

/** The configuration file is missing, unreadable, not YAML, or fails the schema. Never retryable. */
export class ConfigError extends SluiceError {
  override readonly name = 'ConfigError';
  /** Each problem as `path: message`, e.g. `tenants.0.homeRegion: names region "ap" …`. */
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[], options?: ErrorOptions) {
    super(`invalid configuration in ${source}:\n  - ${problems.join('\n  - ')}`, options);
    this.problems = problems;
  }
}
