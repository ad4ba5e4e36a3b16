import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskSchema } from '../../../shared/config/schema.ts';
import { createMasker } from '../../../shared/mask/masker.ts';
import { createSensitiveKeyTest, DEFAULT_SENSITIVE_KEYS } from '../../../shared/mask/sensitive-keys.ts';
import { makeRecord } from '../../helpers/records.ts';

const masker = createMasker(maskSchema.parse({}));
const mask = (text: string) => masker.maskText(text, {});
const attrs = (attributes: Record<string, unknown>) =>
  masker.maskRecord(makeRecord({ attributes }), {}).attributes;

/** Visa/Mastercard-shaped 16-digit numbers with a valid Luhn digit. */
const luhn = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let x = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    sum += x;
  }
  return body + String((10 - (sum % 10)) % 10);
};
const cardNumber = fc
  .tuple(
    fc.constantFrom('4', '51', '55'),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 }),
  )
  .map(([p, d]) => luhn((p + d).slice(0, 15)));
const SEPARATORS = [' ', '-', '.', '/', '_', '\t', '\u00a0', '\u2010', '+', '%20', '%C2%A0'];
const group = (card: string, sep: string) => card.match(/.{4}/g)!.join(sep);

describe('where identifiers hide: numbers and separators', () => {
  it('a card in any separator, URL-encoded or not, never survives', () => {
    fc.assert(
      fc.property(
        cardNumber,
        fc.constantFrom(...SEPARATORS),
        fc.constantFrom('pan ', 'card=', '"pan":"', ''),
        (card, sep, prefix) => {
          const out = mask(`${prefix}${group(card, sep)} ok`);
          expect(out).toContain('<card>');
          expect(out.replace(/\D/g, '')).not.toContain(card.slice(-8));
        },
      ),
    );
  });

  it('a card sent as a JSON number becomes the placeholder string; other numbers stay numbers', () => {
    fc.assert(
      fc.property(cardNumber, (card) => {
        expect(attrs({ pan: Number(card), n: 42, ts: 1_764_688_000_000 })).toEqual({
          pan: '<card>',
          n: 42,
          ts: 1_764_688_000_000,
        });
      }),
    );
  });

  it('URL-encoded and JSON-escaped values are found and their original span masked', () => {
    expect(mask('GET /u?mail=jane.doe%40example.com&x=1')).toBe('GET /u?mail=<email>&x=1');
    expect(mask('{"mail":"jane.doe\\u0040example.com"}')).toBe('{"mail":"<email>"}');
    expect(mask('aws_secret_access_key=wJalrXUtnFEMI\\/K7MDENG\\/bPxRfiCYEXAMPLEKEY')).not.toContain('wJalr');
    expect(mask('k=wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY aws secret')).not.toContain('wJalr');
  });

  it('leaves look-alikes alone: versions, dates, epoch ms, ports, byte counts, short numbers', () => {
    for (const text of [
      'v1.22.333',
      'on 2024.01.15',
      'ts=1764688000000',
      'port 8080',
      'sent 123456789 bytes',
      'a+b=3',
    ]) {
      expect(mask(text)).toBe(text);
    }
  });
});

describe('where identifiers hide: keys and name/value pairs', () => {
  it('object keys that hold an identifier are renamed, collisions kept apart', () => {
    expect(attrs({ 'jane@example.com': 1, 'bob@example.com': 2, '<email>': 3, plain: 4 })).toEqual({
      '<email>#2': 1,
      '<email>#3': 2,
      '<email>': 3,
      plain: 4,
    });
  });

  it('masks the value of a name/value pair whose name is sensitive', () => {
    expect(
      attrs({
        env: [
          { name: 'DB_PASSWORD', value: 'hunter2' },
          { Name: 'HOME', Value: '/root' },
          { key: 'stripe_secret', value: { stringValue: 'x' } },
        ],
      }),
    ).toEqual({
      env: [
        { name: 'DB_PASSWORD', value: '<redacted>' },
        { Name: 'HOME', Value: '/root' },
        { key: 'stripe_secret', value: '<redacted>' },
      ],
    });
  });

  it('the default key names ignore case and separators; short ones must be whole words', () => {
    const sensitive = createSensitiveKeyTest(DEFAULT_SENSITIVE_KEYS);
    for (const k of [
      'pwd',
      'Pass',
      'passphrase',
      'credentials',
      'private_key',
      'X-Api-Key',
      'api_key',
      'apiKey',
      'cvv',
      'PIN',
      'userPin',
      'DB_PASSWORD',
    ])
      expect(sensitive(k), k).toBe(true);
    for (const k of ['shipping', 'passenger', 'author', 'spinner', 'compass', 'name'])
      expect(sensitive(k), k).toBe(false);
  });
});

describe('where identifiers hide: credentials in free text', () => {
  it.each([
    ['login failed password=hunter2 user=bob', 'login failed password=<redacted> user=bob'],
    ['passwd: s3cr3t', 'passwd: <redacted>'],
    ['POST body user=bob&pwd=abc1&x=1', 'POST body user=bob&pwd=<redacted>&x=1'],
    ['config {"password": "p w", "user": "x"}', 'config {"password": "<redacted>", "user": "x"}'],
    ['dump {\\"secret\\":\\"abc\\"}', 'dump {\\"secret\\":\\"<redacted>\\"}'],
    ['db:\n  password: Hunter2\n  host: db', 'db:\n  password: <redacted>\n  host: db'],
    ['GET /cb?token=abc123&state=1', 'GET /cb?token=<redacted>&state=1'],
  ])('%j', (input, expected) => {
    // Which label the value gets (the key rule's or a detector's) is not the point here.
    const label = (t: string) => t.replace(/<[A-Za-z]+>/g, '<masked>');
    expect(label(mask(input))).toBe(label(expected));
  });

  it('leaves prose about passwords alone', () => {
    for (const text of ['password reset requested', 'reset pwd = done.', 'token: expired'])
      expect(mask(text)).toBe(text);
  });
});

describe('masking is idempotent and leaves clean text unchanged', () => {
  it('masking masked text changes nothing', () => {
    fc.assert(
      fc.property(cardNumber, fc.constantFrom(...SEPARATORS), fc.string(), (card, sep, noise) => {
        const once = mask(`${noise} pan ${group(card, sep)} password=${noise}x`);
        const audit = {};
        expect(masker.maskText(once, audit)).toBe(once);
        expect(audit).toEqual({});
      }),
    );
  });

  it('lower-case prose is returned as is', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop,'.split('')) }), (text) => {
        expect(mask(text)).toBe(text);
      }),
    );
  });
});

describe('where identifiers hide: international phone numbers (libphonenumber-js)', () => {
  it.each([
    'call +49 30 1234567 now',
    'call +49 (0)30 1234567 now',
    'call 0049 30 1234567 now',
    'call +31 6 12345678 now',
    'call +46 70 123 45 67 now',
  ])('%j', (text) => {
    expect(mask(text)).toBe('call <phone> now');
  });

  it('keeps ids and timestamps that only look like numbers', () => {
    for (const text of ['id 0012345678901', 'ts 1764688000000', 'order 004912345', 'took 1234567 ns'])
      expect(mask(text)).toBe(text);
  });
});
