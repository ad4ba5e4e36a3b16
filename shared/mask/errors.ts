import { SluiceError } from '../errors.ts';

/**
 * A detector is configured for mode `hmac` but the tenant has no HMAC key. Raised by `createMasker` at start-up,
 * never per record: a pipeline that cannot pseudonymise must not start (and must not fall back to cleartext).
 */
export class MaskKeyMissingError extends SluiceError {
  override readonly name = 'MaskKeyMissingError';
  /** The first detector (in priority order) that needs the key. */
  readonly detector: string;

  constructor(detector: string, options?: ErrorOptions) {
    super(
      `mask detector "${detector}" uses mode hmac but no HMAC key was provided (set mask.hmacKey and make the secret resolvable)`,
      options,
    );
    this.detector = detector;
  }
}
