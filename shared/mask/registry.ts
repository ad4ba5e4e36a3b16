import type { DetectorName } from '../config/schema.ts';
import type { Detector } from './detector.ts';
import { authHeader } from './detectors/auth-header.ts';
import { awsAccessKey } from './detectors/aws-access-key.ts';
import { awsSecretKey } from './detectors/aws-secret-key.ts';
import { card } from './detectors/card.ts';
import { email } from './detectors/email.ts';
import { iban } from './detectors/iban.ts';
import { ipv4 } from './detectors/ipv4.ts';
import { ipv6 } from './detectors/ipv6.ts';
import { jwt } from './detectors/jwt.ts';
import { mac } from './detectors/mac.ts';
import { phone } from './detectors/phone.ts';
import { privateKey } from './detectors/private-key.ts';
import { ssn } from './detectors/ssn.ts';
import { urlPassword } from './detectors/url-password.ts';

/**
 * Every detector, in the order they run: the most specific (longest, most structured) first, so a value inside
 * a larger secret is attributed to the larger one and overlaps resolve the same way every time. A JWT after
 * `Bearer` is a `jwt`; the password of `postgres://app:pw@db.example.com` is a `urlPassword`, not an e-mail;
 * `::ffff:192.0.2.1` is one `ipv6`, not an `ipv4` inside one; `00-00-5e-00-53-01` is a `mac`, not a
 * trunk-prefixed phone number.
 */
export const DETECTORS: readonly Detector[] = [
  privateKey,
  jwt,
  authHeader,
  urlPassword,
  awsSecretKey,
  awsAccessKey,
  email,
  ipv6,
  mac,
  iban,
  card,
  ssn,
  phone,
  ipv4,
];

export const DETECTOR_BY_NAME: ReadonlyMap<DetectorName, Detector> = new Map(
  DETECTORS.map((d) => [d.name, d]),
);
