import type { Detector } from '../detector.ts';

const HINT = /bearer|basic/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const CONTROL = /[\u0000-\u001f\u007f\ufffd]/;

/** `Basic` credentials are base64 of `user:password`; prose such as "Basic authentication" is not. */
function isBasicCredential(token: string): boolean {
  if (token.length < 4 || !BASE64.test(token)) return false;
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  return decoded.includes(':') && !CONTROL.test(decoded);
}

/** Bearer tokens are long and not plain words ("Bearer realm=", "missing Bearer token" are not credentials). */
function isBearerToken(token: string): boolean {
  return token.length >= 8 && (/[0-9\-._~+/=]/.test(token) || /[A-Z]/.test(token.slice(1)));
}

/** `Bearer <token>` and `Basic <base64 user:pass>` credentials. Only the credential is masked; the scheme stays. */
export const authHeader: Detector = {
  name: 'authHeader',
  minLength: 10, // `Basic YTpi` (a:b)
  pattern: /\b(bearer|basic)[ \t]+([A-Za-z0-9\-._~+/]+=*)(?![A-Za-z0-9\-_~+/=]|\.[A-Za-z0-9])/gi,
  worthScanning: (text, probe) => probe.keyword() && HINT.test(text),
  validate(m) {
    const scheme = m[1]!.toLowerCase();
    // A sentence may end right after the credential: `…Basic dXNlcjpwYXNz.`
    const token = m[2]!.replace(/\.+$/, '');
    const ok = scheme === 'basic' ? isBasicCredential(token) : isBearerToken(token);
    if (!ok) return undefined;
    const start = m.index + m[0].length - m[2]!.length;
    return { start, end: start + token.length };
  },
};
