import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETECTOR_NAMES, type DetectorName, maskSchema } from '../../../shared/config/schema.ts';
import { createMasker } from '../../../shared/mask/masker.ts';
import {
  embedded,
  embeddedPlain,
  lookAlikes,
  NEAR_MISSES,
  VALID,
  validUrlPassword,
} from '../../helpers/mask.ts';

/** Every detector on, placeholders: the built-in defaults. */
const masker = createMasker(maskSchema.parse({}));
/** The same detectors in the two other modes: neither may leak what placeholders hide. */
const MODES = [
  masker,
  createMasker(maskSchema.parse({ mode: 'partial' })),
  createMasker(maskSchema.parse({ mode: 'hmac', hmacKey: { env: 'UNUSED' } }), {
    hmacKey: new TextEncoder().encode('test-key'),
  }),
];

function mask(text: string, m = masker) {
  const audit: Record<string, number> = {};
  return { out: m.maskText(text, audit), audit };
}

describe.each(DETECTOR_NAMES)('detector %s', (name: DetectorName) => {
  it('masks every generated valid value, alone and inside log text, in every mode', () => {
    fc.assert(
      fc.property(fc.oneof(VALID[name], embedded(VALID[name])), ({ text, secret }) => {
        for (const m of MODES) {
          const { out, audit } = mask(text, m);
          expect(out).not.toContain(secret);
          expect(audit[name] ?? 0).toBeGreaterThanOrEqual(1);
        }
      }),
    );
  });

  it('leaves near misses (right shape, failed validation) untouched', () => {
    fc.assert(
      fc.property(fc.oneof(NEAR_MISSES[name], embeddedPlain(NEAR_MISSES[name])), (text) => {
        const { out, audit } = mask(text);
        expect(out).toBe(text);
        expect(audit).toEqual({});
      }),
    );
  });

  it('masks a value only once: masking the output changes nothing, in every mode', () => {
    fc.assert(
      fc.property(embedded(VALID[name]), ({ text }) => {
        for (const m of MODES) {
          const once = mask(text, m).out;
          const twice = mask(once, m);
          expect(twice.out).toBe(once);
          expect(twice.audit).toEqual({});
        }
      }),
    );
  });
});

describe.each(Object.keys(lookAlikes))('look-alike %s', (kind) => {
  it('survives untouched, alone and inside log text', () => {
    const arb = lookAlikes[kind]!;
    fc.assert(
      fc.property(fc.oneof(arb, embeddedPlain(arb)), (text) => {
        const { out, audit } = mask(text);
        expect(out).toBe(text);
        expect(audit).toEqual({});
      }),
    );
  });
});

describe('detector details', () => {
  const cases: Array<[string, string]> = [
    ['card 4111 1111 1111 1111 charged', 'card <card> charged'],
    ['amex 3782 822463 10005.', 'amex <card>.'],
    ['ref 12 4111-1111-1111-1111 ok', 'ref 12 <card> ok'],
    ['two 4111111111111111 5555555555554444', 'two <card> <card>'],
    ['iban GB82 WEST 1234 5698 7654 32 ON FILE', 'iban <iban> ON FILE'],
    ['ssn 123-45-6789', 'ssn <ssn>'],
    [
      'invalid ssns 000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000',
      'invalid ssns 000-12-3456 666-12-3456 912-12-3456 123-00-4567 123-45-0000',
    ],
    ['call (415) 555-2671 or +44 20 7946 0958', 'call <phone> or <phone>'],
    ['v6 [::1]:8080 fe80::1%eth0 ::ffff:192.0.2.128', 'v6 [<ipv6>]:8080 <ipv6> <ipv6>'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'Authorization: Bearer <jwt>'],
    [
      'Basic authentication failed; missing Bearer token',
      'Basic authentication failed; missing Bearer token',
    ],
    ['WWW-Authenticate: Bearer realm="api"', 'WWW-Authenticate: Bearer realm="api"'],
    ['mac 00:1a:2b:3c:4d:5e 001a.2b3c.4d5e', 'mac <mac> <mac>'],
    [
      'aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key=<awsSecretKey>',
    ],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\n(truncated', '<privateKey>(truncated'],
    ['npm i @types/node@20.1.0 and ssh git@github', 'npm i @types/node@20.1.0 and ssh git@github'],
    ['mail ...bob@example.com.', 'mail ...<email>.'],
    // URL-encoded `@` in a query string.
    ['GET /api/users?email=bob%40example.com&x=1', 'GET /api/users?email=<email>&x=1'],
    // An address right after `key:`; a hex group before the colon still blocks (it may be part of the address).
    ['ip:2001:db8::ff00:42:8329 src:fe80::1 ipv6:2001:db8::1', 'ip:<ipv6> src:<ipv6> ipv6:<ipv6>'],
    ['mac:00:1a:2b:3c:4d:5e hw-00-1a-2b-3c-4d-5e', 'mac:<mac> hw-<mac>'],
    ['seq 0f:00:1a:2b:3c:4d:5e', 'seq 0f:00:1a:2b:3c:4d:5e'],
    // IBANs in lower case, compact or grouped.
    ['iban gb82 west 1234 5698 7654 32 end', 'iban <iban> end'],
    ['iban=fr1420041010050500013m02606', 'iban=<iban>'],
    ['be68539007547034', '<iban>'],
    // …but not a hex span id nor prose that happens to pass mod-97.
    ['span be22aa1a7c86cafe done', 'span be22aa1a7c86cafe done'],
    ['de10 some text here that ok', 'de10 some text here that ok'],
    // UK trunk digit in brackets, bracketed national area code, URL-encoded `+`.
    ['tel=+44 (0)20 7946 0958', 'tel=<phone>'],
    ['call (020) 7946 0958 now', 'call <phone> now'],
    ['?phone=%2B14155552671&x=1', '?phone=<phone>&x=1'],
  ];
  it.each(cases)('%j', (input, expected) => {
    expect(mask(input).out).toBe(expected);
  });

  it('masks only the password of a URL, keeping scheme, user and host', () => {
    fc.assert(
      fc.property(validUrlPassword, ({ text, user, host }) => {
        const { out, audit } = mask(text);
        expect(out).toContain(`://${user}:<urlPassword>@${host}`);
        expect(audit.urlPassword).toBe(1);
      }),
    );
  });
});
