import type { Detector } from '../detector.ts';
import { shannon } from './entropy.ts';

/** Key-name fragments that announce a secret (gitleaks' generic-api-key keywords, without the bare `key`). */
const KEYWORD_SOURCE =
  'secret|token|passw(?:or)?d|pwd|api[_.-]?key|access[_.-]?key|private[_.-]?key|auth[_.-]?key|credential|creds|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|account[_.-]?key';
const KEYWORD = new RegExp(KEYWORD_SOURCE, 'i');

/**
 * Bits per character a value needs (gitleaks' generic rule uses 3.5): random keys score 4–6, words, paths,
 * counts and enum values below 3.5.
 */
export const MIN_ENTROPY = 3.5;
const MIN_LENGTH = 12;
const KEY_CHAR = /[A-Za-z0-9_.-]/;

/** Keys that name something about a token rather than the token (`next_token` is a pagination cursor). */
const NOT_A_SECRET =
  /(?:page|next|continuation|cursor|sync|pagination|csrf[_.-]?param)[_.-]?token|token[_.-]?(?:type|count|s|usage|limit|expir\w*|ttl|url|uri|endpoint|path|file|name|id)$|secret[_.-]?(?:name|arn|id|path|ref|version|manager|key[_.-]?ref)$|(?:_|-|\.|^)(?:arn|id|path|url|uri|file|name)$/i;

/**
 * A `key=value` assignment whose key announces a secret (`client_secret`, `api-key`, `auth_token`, `signingKey`…),
 * in any of the forms logs print: `k=v`, `k: v`, `"k": "v"`, `k => v`, JSON escaped once more (`\"k\":\"v\"`).
 * The value must look random: at least 12 characters and {@link MIN_ENTROPY} bits each. Only the value is
 * masked. Runs after the prefix-specific token detectors, so a `ghp_…` under `token=` keeps its own label.
 */
export const genericSecret: Detector = {
  name: 'genericSecret',
  minLength: 16,
  pattern: new RegExp(
    `((?:${KEYWORD_SOURCE})[A-Za-z0-9_.-]{0,24})\\\\?["']?[ \\t]{0,3}(?:=>|:=|=|:)[ \\t]{0,3}\\\\?["'\`]?([A-Za-z0-9_.=+/~!@#$%^*-]{${MIN_LENGTH},200})(?![A-Za-z0-9_.=+/~!@#$%^*-])`,
    'gi',
  ),
  worthScanning: (text) => KEYWORD.test(text),
  validate(m, text) {
    // The pattern starts at the keyword (V8 then skips most positions on its first letter); the key's start is
    // found backwards, as the e-mail detector finds a local part.
    let from = m.index;
    const floor = Math.max(0, from - 40);
    while (from > floor && KEY_CHAR.test(text[from - 1]!)) from--;
    const key = text.slice(from, m.index) + m[1]!;
    const value = m[2]!;
    const end = m.index + m[0].length;
    // `<awsAccessKey:1a2b…>`, `<githubToken:…>`: a token the masker wrote (hmac mode), not an assignment.
    if (text.charCodeAt(from - 1) === 60 /* < */ || text.charCodeAt(end) === 62 /* > */) return undefined;
    if (NOT_A_SECRET.test(key)) return undefined;
    if (value[0] === '/' || value[0] === '.' || value.startsWith('$') || shannon(value) < MIN_ENTROPY)
      return undefined;
    return { start: end - value.length, end };
  },
};
