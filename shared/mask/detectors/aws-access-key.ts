import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/**
 * AWS access key ids: a 4-character type prefix and 16 characters of the base32 alphabet `[A-Z2-7]`
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids).
 * The alphabet is the validator: `0`, `1`, `8`, `9` never occur in a real id.
 */
export const awsAccessKey: Detector = {
  name: 'awsAccessKey',
  minLength: 20,
  pattern:
    /(?:^|[^A-Za-z0-9])((?:AKIA|ASIA|AIDA|AROA|AGPA|AIPA|ANPA|ANVA|APKA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])/g,
  worthScanning: () => true,
  validate: tailGroup,
  partial: (value) => `<awsAccessKey:${value.slice(0, 4)}…${value.slice(-4)}>`,
};
