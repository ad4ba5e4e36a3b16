import type { Detector } from '../detector.ts';
import { wholeMatch } from '../detector.ts';

/** A JOSE header is a JSON object naming its algorithm; anything else starting with `eyJ` is a look-alike. */
function isJoseHeader(segment: string): boolean {
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return (
      typeof header === 'object' && header !== null && typeof (header as { alg?: unknown }).alg === 'string'
    );
  } catch {
    return false;
  }
}

/** JSON Web Tokens: three base64url segments (the signature may be empty for `alg: none`). */
export const jwt: Detector = {
  name: 'jwt',
  minLength: 16,
  pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-])/g,
  worthScanning: (text, probe) => probe.keyword() && text.includes('eyJ'),
  validate: (m) => (isJoseHeader(m[0].slice(0, m[0].indexOf('.'))) ? wholeMatch(m) : undefined),
  skipRejected: true,
};
