import type { Detector } from '../detector.ts';

/** A password already replaced by this detector (all modes): re-masking it would only inflate the audit. */
const MASKED = /^<urlPassword(?::[0-9a-f]{16})?>$/;

/**
 * `scheme://user:PASSWORD@host`: the password is masked, scheme, user and host stay (they are what an operator
 * needs to debug a connection string). The password runs to the last `@` before the host, so raw `@` inside it
 * do not leak its tail.
 */
export const urlPassword: Detector = {
  name: 'urlPassword',
  minLength: 8, // `s://:p@h`
  pattern: /:\/\/[^\s:/?#@]*:([^\s/?#]+)@(?=[^\s/?#@:]*[A-Za-z0-9])/g,
  worthScanning: (text, probe) => probe.keyword() && text.includes('://'),
  validate(m, text) {
    const password = m[1]!;
    // `://` must follow a scheme; matching from `://` rather than the scheme is what makes the scan fast.
    if (m.index === 0 || !/[A-Za-z0-9]/.test(text[m.index - 1]!) || MASKED.test(password)) return undefined;
    const end = m.index + m[0].length - 1;
    return { start: end - password.length, end };
  },
};
