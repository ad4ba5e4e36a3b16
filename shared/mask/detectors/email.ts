import type { Detector } from '../detector.ts';

/**
 * The pattern starts at the last character before `@` (a lookbehind at every position was 7× slower); the
 * validator extends the match backwards over the local part. Longer runs than an RFC 5321 local part (64) are
 * masked too, up to this bound: failing closed.
 */
const MAX_LOCAL = 256;

/** `[A-Za-z0-9._%+-]` */
const isLocal = (c: number): boolean =>
  (c >= 48 && c <= 57) ||
  (c >= 65 && c <= 90) ||
  (c >= 97 && c <= 122) ||
  c === 46 ||
  c === 95 ||
  c === 37 ||
  c === 43 ||
  c === 45;

/** Where the `@` (or its URL encoding `%40`) before the domain starts. */
function domainAt(value: string): number {
  const at = value.lastIndexOf('@');
  return at >= 0 ? at : value.lastIndexOf('%40');
}

/**
 * E-mail addresses (dot-atom local part, host name with an alphabetic TLD), also URL-encoded in query strings
 * (`?email=bob%40example.com`, where `@` is written `%40`). `name@1.2.3` (npm specs) and
 * `user@host` without a TLD are not addresses. The local part cannot be empty, so the partial form
 * `<email>@example.com` never matches again.
 */
export const email: Detector = {
  name: 'email',
  minLength: 6, // `a@b.co`
  pattern:
    /[A-Za-z0-9_%+-](?:@|%40)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g,
  worthScanning: (text) => text.includes('@') || text.includes('%40'),
  validate(m, text) {
    let start = m.index;
    const floor = Math.max(0, m.index - MAX_LOCAL);
    while (start > floor && isLocal(text.charCodeAt(start - 1))) start--;
    while (text.charCodeAt(start) === 46 /* . */) start++;
    return { start, end: m.index + m[0].length };
  },
  canonical: (value) => value.replace(/%40/g, '@').toLowerCase(),
  partial: (value) => `<email>${value.slice(domainAt(value))}`,
};
