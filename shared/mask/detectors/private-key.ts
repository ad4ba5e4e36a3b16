import type { Detector } from '../detector.ts';
import { wholeMatch } from '../detector.ts';

/**
 * PEM private keys (PKCS#1, PKCS#8, EC, OpenSSH, encrypted, PGP blocks), multi-line. A key cut off before its END
 * line (truncated log line) is masked from BEGIN through its base64 body: failing closed beats leaking half a key.
 */
export const privateKey: Detector = {
  name: 'privateKey',
  minLength: 27, // the BEGIN line
  pattern:
    /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END \1PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,.\\-]*)/g,
  worthScanning: (text, probe) => probe.keyword() && text.includes('PRIVATE KEY'),
  validate: wholeMatch,
  canonical: (value) => value.replace(/\s+/g, ''),
};
