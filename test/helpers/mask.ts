/**
 * fast-check arbitraries for the mask stage: valid values of every detector (what must always be masked) and
 * look-alikes (what must never be). Valid values are generated the way real systems produce them (Luhn check
 * digits, mod-97 check digits, SSA ranges, base32 key ids…), not by the detectors' own regexes.
 */
import fc from 'fast-check';
import type { DetectorName } from '../../shared/config/schema.ts';
import { luhnOk } from '../../shared/mask/detectors/card.ts';
import { NEAR_MISS_IDS, VALID_IDS } from './identifiers.ts';

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const HEX = '0123456789abcdef';
const B64 = `${UPPER}${LOWER}${DIGITS}+/`;
const B64URL = `${UPPER}${LOWER}${DIGITS}-_`;

export const chars = (alphabet: string, minLength: number, maxLength = minLength): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });

const digits = (n: number, max = n) => chars(DIGITS, n, max);
const int = (min: number, max: number) => fc.integer({ min, max });
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** A generated value and the part of it that must not survive masking (the whole value unless noted). */
export interface Secret {
  text: string;
  secret: string;
}

const plain = (arb: fc.Arbitrary<string>): fc.Arbitrary<Secret> =>
  arb.map((text) => ({ text, secret: text }));

// --- valid values ------------------------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?$/);
export const validEmail = plain(
  fc
    .tuple(
      fc.stringMatching(/^[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,20}[A-Za-z0-9_%+-])?$/),
      fc.array(label, { minLength: 1, maxLength: 3 }),
      chars(LOWER, 2, 6),
    )
    .chain(([local, labels, tld]) =>
      // `%40`: the address URL-encoded in a query string.
      fc.constantFrom(`${local}@${labels.join('.')}.${tld}`, `${local}%40${labels.join('.')}.${tld}`),
    ),
);

export const validIpv4 = plain(
  fc.tuple(int(0, 255), int(0, 255), int(0, 255), int(0, 255)).map((o) => o.join('.')),
);

/** Addresses with at least one decimal digit and one letter case: the detector's documented scope. */
export const validIpv6: fc.Arbitrary<Secret> = fc
  .oneof(
    fc.ipV6(),
    fc
      .array(int(0, 0xffff), { minLength: 8, maxLength: 8 })
      .map((g) => g.map((x) => x.toString(16)).join(':')),
    fc
      .tuple(
        fc.array(int(0, 0xffff), { minLength: 1, maxLength: 3 }),
        fc.array(int(0, 0xffff), { maxLength: 3 }),
      )
      .map(
        ([l, r]) => `${l.map((x) => x.toString(16)).join(':')}::${r.map((x) => x.toString(16)).join(':')}`,
      ),
    fc.constantFrom(
      '::1',
      'fe80::1%eth0',
      '::ffff:192.0.2.128',
      '2001:db8::8a2e:370:7334',
      'fe80::1ff:fe23:4567:890a%en0',
    ),
    validIpv4.map((v4) => `::ffff:${v4.text}`),
    fc
      .tuple(int(1, 0xffff), chars(`${LOWER}${DIGITS}`, 1, 6))
      .map(([g, zone]) => `fe80::${g.toString(16)}%${zone}`),
  )
  .chain((a) =>
    fc.constantFrom(
      a,
      a.toUpperCase().replace(/%.*/, (z) => z.toLowerCase()),
    ),
  )
  .filter((a) => /\d/.test(a.replace(/%.*/, '')) && a !== '::')
  // Logged as `key:address` too.
  .chain((a) =>
    fc.constantFrom('', 'ip:', 'src:', 'ipv6:').map((key) => ({ text: `${key}${a}`, secret: a })),
  );

/** Brand prefixes and lengths (Visa, Mastercard 51–55 and 2-series, Amex, Discover, JCB, Diners, UnionPay). */
const CARD_BRANDS: ReadonlyArray<[string, number]> = [
  ['4', 16],
  ['4', 13],
  ['51', 16],
  ['55', 16],
  ['2221', 16],
  ['2720', 16],
  ['34', 15],
  ['37', 15],
  ['6011', 16],
  ['65', 16],
  ['3528', 16],
  ['36', 14],
  ['62', 19],
];

function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnOk(partial + d)) return partial + d;
  throw new Error('unreachable');
}

export const cardDigits = fc
  .constantFrom(...CARD_BRANDS)
  .chain(([prefix, length]) => digits(length - prefix.length - 1).map((body) => luhnComplete(prefix + body)));

function groupCard(d: string, sep: string): string {
  if (d.length === 15) return [d.slice(0, 4), d.slice(4, 10), d.slice(10)].join(sep);
  if (d.length === 14) return [d.slice(0, 4), d.slice(4, 10), d.slice(10)].join(sep);
  return d.match(/.{1,4}/g)!.join(sep);
}

export const validCard = plain(
  fc.tuple(cardDigits, fc.constantFrom('', ' ', '-')).map(([d, sep]) => (sep ? groupCard(d, sep) : d)),
);

const IBAN_COUNTRIES: ReadonlyArray<[string, number]> = [
  ['GB', 22],
  ['DE', 22],
  ['FR', 27],
  ['NL', 18],
  ['BE', 16],
  ['NO', 15],
  ['ES', 24],
  ['IT', 27],
  ['CH', 21],
  ['MT', 31],
];

function mod97(s: string): number {
  let rest = 0;
  for (const ch of s) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest;
}

function ibanOf(cc: string, bban: string, spaced: boolean): string {
  const check = pad(98 - mod97(`${bban}${cc}00`), 2);
  const compact = `${cc}${check}${bban}`;
  return spaced ? compact.match(/.{1,4}/g)!.join(' ') : compact;
}

export const validIban = plain(
  fc.oneof(
    fc
      .constantFrom(...IBAN_COUNTRIES)
      .chain(([cc, length]) =>
        fc
          .tuple(chars(`${UPPER}${DIGITS}`, length - 4), fc.boolean())
          .map(([bban, spaced]) => ibanOf(cc, bban, spaced)),
      ),
    // Typed in lower case: a real BBAN (bank code letters, account digits). The detector's documented scope for
    // lower case: the BBAN is mostly digits and does not read as a hex id.
    fc
      .constantFrom(...IBAN_COUNTRIES)
      .chain(([cc, length]) =>
        fc
          .tuple(chars(UPPER, 0, 4), fc.boolean())
          .chain(([bank, spaced]) =>
            digits(length - 4 - bank.length).map((account) =>
              ibanOf(cc, `${bank}${account}`, spaced).toLowerCase(),
            ),
          ),
      )
      .filter((v) => !/^[0-9a-f]*[a-f][0-9a-f]*$/.test(v.replace(/ /g, '').slice(4))),
  ),
);

export const validSsn = plain(
  fc
    .tuple(
      int(1, 899).filter((a) => a !== 666),
      int(1, 99),
      int(1, 9999),
      fc.constantFrom('-', ' '),
    )
    .map(([a, g, s, sep]) => `${pad(a, 3)}${sep}${pad(g, 2)}${sep}${pad(s, 4)}`),
);

const nanp = fc
  .tuple(int(200, 999), int(200, 999), int(0, 9999))
  .map(([a, e, l]) => [String(a), String(e), pad(l, 4)]);
export const validPhone = plain(
  fc.oneof(
    // E.164
    fc.tuple(int(1, 9), digits(9, 14)).map(([c, rest]) => `+${c}${rest}`),
    nanp.map(([a, e, l]) => `(${a}) ${e}-${l}`),
    nanp.map(([a, e, l]) => `${a}-${e}-${l}`),
    nanp.map(([a, e, l]) => `${a}.${e}.${l}`),
    nanp.map(([a, e, l]) => `+1 ${a} ${e} ${l}`),
    nanp.map(([a, e, l]) => `+1 (${a}) ${e}-${l}`),
    // international grouped: +44 20 7946 0958, and with the trunk digit in brackets: +44 (0)20 7946 0958
    fc.tuple(int(20, 99), int(10, 99), digits(4), digits(4)).map(([cc, a, b, c]) => `+${cc} ${a} ${b} ${c}`),
    fc
      .tuple(int(20, 99), int(10, 99), digits(4), digits(4))
      .map(([cc, a, b, c]) => `+${cc} (0)${a} ${b} ${c}`),
    // E.164 URL-encoded in a query string
    fc.tuple(int(1, 9), digits(9, 14)).map(([c, rest]) => `%2B${c}${rest}`),
    // trunk-prefixed national: 020 7946 0958, (020) 7946 0958
    fc.tuple(int(10, 99), digits(4), digits(4)).map(([a, b, c]) => `0${a} ${b} ${c}`),
    fc.tuple(int(10, 99), digits(4), digits(4)).map(([a, b, c]) => `(0${a}) ${b} ${c}`),
  ),
);

export const validAwsAccessKey = plain(
  fc
    .tuple(fc.constantFrom('AKIA', 'ASIA', 'AIDA', 'AROA'), chars(`${UPPER}234567`, 16))
    .map(([p, rest]) => p + rest),
);

/** 40 random base64 characters, with at least one upper-case letter, lower-case letter and digit. */
export const validAwsSecretKey = plain(
  fc
    .tuple(
      chars(B64, 37),
      fc.constantFrom(...UPPER),
      fc.constantFrom(...LOWER),
      fc.constantFrom(...DIGITS),
      int(0, 37),
    )
    .map(([body, u, l, d, at]) => body.slice(0, at) + u + l + d + body.slice(at)),
);

const b64url = (s: string) => Buffer.from(s).toString('base64url');
export const validJwt = plain(
  fc
    .tuple(
      fc.constantFrom('HS256', 'RS256', 'ES384', 'none'),
      fc.string({ minLength: 1, maxLength: 20 }),
      int(1_600_000_000, 1_900_000_000),
      chars(B64URL, 43),
    )
    .map(([alg, sub, iat, sig]) => {
      const header = b64url(JSON.stringify({ alg, typ: 'JWT' }));
      const payload = b64url(JSON.stringify({ sub, iat }));
      return `${header}.${payload}.${alg === 'none' ? '' : sig}`;
    }),
);

export const validAuthHeader: fc.Arbitrary<Secret> = fc.oneof(
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer'), chars(`${B64URL}.~+/`, 15, 60), fc.constantFrom(...DIGITS))
    .map(([scheme, token, d]) => ({ text: `${scheme} ${d}${token}`, secret: `${d}${token}` })),
  fc
    .tuple(
      fc.constantFrom('Basic', 'basic'),
      fc.stringMatching(/^[A-Za-z0-9._-]{1,16}$/),
      fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme-ascii' }),
    )
    .map(([scheme, user, pass]) => {
      const token = Buffer.from(`${user}:${pass}`).toString('base64');
      return { text: `${scheme} ${token}`, secret: token };
    }),
);

export const validUrlPassword: fc.Arbitrary<Secret & { user: string; host: string }> = fc
  .tuple(
    fc.constantFrom('postgres', 'mysql', 'https', 'redis', 'amqp', 'mongodb+srv'),
    fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
    fc.stringMatching(/^[A-Za-z0-9!$&*_~.%@-]{1,24}$/).filter((p) => !p.startsWith('@') && !p.endsWith('@')),
    fc.array(label, { minLength: 1, maxLength: 3 }).map((l) => l.join('.')),
    fc.constantFrom('', ':5432', ':6379/0', '/orders', '/vhost?heartbeat=30'),
  )
  .map(([scheme, user, password, host, rest]) => ({
    text: `${scheme}://${user}:${password}@${host}${rest}`,
    secret: `:${password}@`,
    user,
    host,
  }));

export const validMac = plain(
  fc
    .tuple(
      fc.array(int(0, 255), { minLength: 6, maxLength: 6 }),
      fc.constantFrom(':', '-', '.'),
      fc.boolean(),
    )
    .map(([bytes, sep, upper]) => {
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
      const s = sep === '.' ? hex.join('').match(/.{4}/g)!.join('.') : hex.join(sep);
      return upper ? s.toUpperCase() : s;
    }),
)
  // Logged as `key:address` or `key-address` too.
  .chain((v) =>
    fc.constantFrom('', 'mac:', 'hw-', 'mac=').map((key) => ({ text: `${key}${v.text}`, secret: v.secret })),
  );

export const validPrivateKey = plain(
  fc
    .tuple(
      fc.constantFrom('', 'RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED '),
      fc.array(chars(B64, 64), { minLength: 1, maxLength: 4 }),
      chars(B64, 4, 60),
    )
    .map(
      ([kind, lines, last]) =>
        `-----BEGIN ${kind}PRIVATE KEY-----\n${[...lines, `${last}==`].join('\n')}\n-----END ${kind}PRIVATE KEY-----`,
    ),
);

export const VALID: Readonly<Record<DetectorName, fc.Arbitrary<Secret>>> = {
  email: validEmail,
  ipv4: validIpv4,
  ipv6: validIpv6,
  card: validCard,
  iban: validIban,
  ssn: validSsn,
  phone: validPhone,
  awsAccessKey: validAwsAccessKey,
  awsSecretKey: validAwsSecretKey,
  jwt: validJwt,
  authHeader: validAuthHeader,
  urlPassword: validUrlPassword,
  mac: validMac,
  privateKey: validPrivateKey,
  ...VALID_IDS,
};

// --- look-alikes -------------------------------------------------------------------------------------------

const hex = (n: number) => chars(HEX, n);

export const lookAlikes: Readonly<Record<string, fc.Arbitrary<string>>> = {
  uuid: fc.uuid(),
  md5: hex(32),
  sha1: hex(40),
  sha256: hex(64),
  upperSha1: hex(40).map((h) => h.toUpperCase()),
  gitSha: chars(HEX, 7, 12),
  isoTimestamp: fc
    .date({ min: new Date('2000-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
    .chain((d) =>
      fc.constantFrom(
        d.toISOString(),
        d.toISOString().replace('Z', '+01:00'),
        d.toISOString().replace('T', ' ').replace('Z', ''),
        d.toUTCString(),
      ),
    ),
  epochSeconds: int(1_000_000_000, 2_000_000_000).map(String),
  epochMillis: fc.integer({ min: 1_000_000_000_000, max: 1_999_999_999_999 }).map(String),
  epochDecimal: fc.tuple(int(1_000_000_000, 2_000_000_000), digits(3)).map(([s, ms]) => `${s}.${ms}`),
  version: fc
    .tuple(
      int(0, 30),
      int(0, 99),
      int(0, 99),
      int(0, 99),
      fc.constantFrom('', 'v'),
      fc.constantFrom('', '-beta', '-rc.1', '+build.5'),
    )
    .chain(([a, b, c, d, v, pre]) =>
      fc.constantFrom(`${v}${a}.${b}.${c}${pre}`, `v${a}.${b}.${c}.${d}${pre}`, `${a}.${b}.${c}.${d}-beta`),
    ),
  /** 13–19 digit order numbers with a wrong check digit. */
  orderNumber: cardDigits.map((d) => d.slice(0, -1) + ((Number(d.at(-1)) + 1) % 10)),
  duration: fc
    .tuple(int(0, 99_999), int(0, 23), int(0, 59), int(0, 59))
    .chain(([ms, h, m, s]) =>
      fc.constantFrom(
        `${ms}ms`,
        `${(ms / 1000).toFixed(2)}s`,
        `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`,
        `${h}h${m}m${s}s`,
      ),
    ),
  path: fc
    .array(fc.stringMatching(/^[a-z0-9_.-]{1,12}$/), { minLength: 1, maxLength: 6 })
    .chain((segments) =>
      fc.constantFrom(`/${segments.join('/')}`, `./${segments.join('/')}`, `C:\\${segments.join('\\')}`),
    ),
  requestId: fc.oneof(
    hex(32).map((h) => `req_${h}`),
    fc.tuple(hex(8), hex(24)).map(([a, b]) => `1-${a}-${b}`),
    fc.ulid(),
    chars(`${UPPER}${DIGITS}`, 16).map((s) => `req-${s}`),
  ),
  podName: fc
    .tuple(
      fc.constantFrom('checkout', 'payments-api', 'auth'),
      chars(`${LOWER}${DIGITS}`, 10),
      chars(`${LOWER}${DIGITS}`, 5),
    )
    .map(([app, rs, pod]) => `${app}-${rs}-${pod}`),
  number: fc.oneof(
    fc.integer({ min: -1_000_000, max: 10_000_000 }).map(String),
    fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => x.toFixed(3)),
  ),
  identifier: fc.constantFrom(
    'Http2ServerConnectionManagerFactoryBeanX',
    'std::vector<int>::iterator',
    'Foo::Bar::baz',
    'cafe::babe',
    'a::b',
  ),
};

// --- surrounding text --------------------------------------------------------------------------------------

const WORDS = [
  'request',
  'completed',
  'user',
  'login',
  'failed',
  'for',
  'order',
  'status=200',
  'GET',
  '/api/v1/orders',
  'took',
  'retry',
  'Payment',
  'in',
  'ms',
  'ERROR',
  '[checkout]',
  'id=42',
  'the',
];

/** A few words of log text (with numbers and punctuation) on each side of `middle`, space-separated. */
export function embedded(middle: fc.Arbitrary<Secret>): fc.Arbitrary<Secret> {
  const words = fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((w) => w.join(' '));
  return fc
    .tuple(words, middle, words, fc.constantFrom('', ',', '.', ';', ')'))
    .map(([before, m, after, punct]) => ({
      text: `${before ? `${before} ` : ''}${m.text}${punct}${after ? ` ${after}` : ''}`,
      secret: m.secret,
    }));
}

export function embeddedPlain(middle: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return embedded(plain(middle)).map((s) => s.text);
}

// --- near misses per detector ------------------------------------------------------------------------------

/** Values shaped like each detector's target that fail its validation: none may be masked. */
export const NEAR_MISSES: Readonly<Record<DetectorName, fc.Arbitrary<string>>> = {
  email: fc.oneof(
    fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}$/),
    fc
      .tuple(fc.stringMatching(/^[a-z]{1,8}$/), int(0, 20), int(0, 20), int(0, 20))
      .map(([n, a, b, c]) => `${n}@${a}.${b}.${c}`),
    fc.constantFrom('@types/node@20.1.0', 'user@localhost', 'a@b.c'),
  ),
  ipv4: fc.oneof(
    fc.tuple(int(256, 999), int(0, 255), int(0, 255), int(0, 255)).map((o) => o.join('.')),
    fc.tuple(int(0, 255), int(0, 255), int(0, 255)).map((o) => o.join('.')),
    fc.tuple(int(0, 9), int(0, 9), int(0, 9), int(0, 9)).map(([a, b, c, d]) => `v${a}.${b}.${c}.${d}`),
    fc.tuple(int(1, 9), int(0, 9), int(0, 9), int(0, 9), int(0, 9)).map((o) => o.join('.')),
  ),
  ipv6: fc.oneof(
    fc.tuple(int(0, 23), int(0, 59), int(0, 59)).map(([h, m, s]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`),
    fc.constantFrom('::', 'std::string', 'Foo::Bar', 'a::b::c', '1:2:3:4:5:6:7:8:9', 'fe80:::1'),
  ),
  card: lookAlikes.orderNumber!,
  iban: fc.oneof(
    // Lower case, passing mod-97: a hex span id and prose.
    fc.constantFrom('be22aa1a7c86cafe', 'de10 some text here that ok'),
    validIban.map(({ text }) => {
      const digits = text.replace(/ /g, '');
      const wrong = (Number(digits[3]) + 1) % 10;
      return `${digits.slice(0, 3)}${wrong}${digits.slice(4)}`;
    }),
  ),
  // Area 9xx with a group of 70–99 (but 89, 93) is an ITIN, masked by `usItin`: near misses keep other groups.
  ssn: fc
    .tuple(fc.constantFrom(0, 666, 900, 999), int(1, 69), int(1, 9999))
    .chain(([area, group, serial]) =>
      fc.constantFrom(
        `${pad(area, 3)}-${pad(group, 2)}-${pad(serial, 4)}`,
        `${pad(123, 3)}-00-${pad(serial, 4)}`,
        `${pad(123, 3)}-${pad(group, 2)}-0000`,
      ),
    ),
  phone: fc.oneof(
    fc.tuple(int(1, 9), digits(3, 7)).map(([c, rest]) => `+${c}${rest}`),
    fc.tuple(int(100, 199), int(200, 999), int(0, 9999)).map(([a, e, l]) => `(${a}) ${e}-${pad(l, 4)}`),
    digits(10).map((d) => `tel ${d}`),
  ),
  awsAccessKey: fc.oneof(
    chars(`${UPPER}0189`, 16)
      .filter((s) => /[0189]/.test(s))
      .map((s) => `AKIA${s}`),
    chars(`${UPPER}234567`, 16).map((s) => `AKIA${s}`.toLowerCase()),
    chars(`${UPPER}234567`, 16).map((s) => `XKIA${s}`),
  ),
  awsSecretKey: fc.oneof(
    hex(40),
    hex(40).map((h) => h.toUpperCase()),
    chars(LOWER, 40),
    chars(UPPER, 40),
  ),
  jwt: fc.oneof(
    fc.tuple(chars(B64URL, 10, 30), chars(B64URL, 10, 30)).map(([a, b]) => `eyJ${a}.${b}.sig`),
    fc.constant(`${b64url('{"typ":"JWT"}')}.${b64url('{"sub":"1"}')}.c2ln`),
  ),
  authHeader: fc.constantFrom(
    'Basic authentication failed',
    'missing Bearer token',
    'WWW-Authenticate: Bearer realm="api", error="invalid_token"',
    'Basic Zm9vYmFy',
    'bearer short',
  ),
  urlPassword: fc.oneof(
    fc
      .tuple(label, fc.stringMatching(/^[a-z]{1,8}$/))
      .map(([h, q]) => `https://${h}.example.com/a:b?q=${q}#x:y`),
    fc.tuple(label, int(1, 65535)).map(([h, port]) => `https://${h}.example.com:${port}/x`),
  ),
  mac: fc.oneof(
    fc.array(int(0, 255), { minLength: 5, maxLength: 5 }).map((b) => b.map((x) => pad(x, 2)).join(':')),
    fc.constantFrom('aA:bB:cC:dD:eE:fF', '00:1a:2b:3c:4d:5e:6f:70:81'),
  ),
  privateKey: fc.constantFrom(
    '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----',
    '-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----',
  ),
  ...NEAR_MISS_IDS,
};
