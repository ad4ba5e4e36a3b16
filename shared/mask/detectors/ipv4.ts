import type { Detector } from '../detector.ts';
import { wholeMatch } from '../detector.ts';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/**
 * Dotted-quad IPv4 addresses (octets 0–255 without leading zeros), optionally followed by `:port` or `/prefix`.
 * Not when glued to letters (`v1.2.3.4`), part of a longer dotted number (OIDs) or a pre-release version
 * (`1.2.3.4-beta`, `1.2.3.4+build`).
 */
export const ipv4: Detector = {
  name: 'ipv4',
  minLength: 7,
  pattern: new RegExp(`(?<![0-9A-Za-z.])(?:${OCTET}\\.){3}${OCTET}(?![0-9A-Za-z]|\\.\\d|[-+][A-Za-z])`, 'g'),
  worthScanning: (_text, probe) => probe.ipv4Shape(),
  validate: wholeMatch,
  /** Keeps the /24 network, which is what traffic analysis needs. */
  partial: (value) => `<ipv4:${value.slice(0, value.lastIndexOf('.'))}.x>`,
};
