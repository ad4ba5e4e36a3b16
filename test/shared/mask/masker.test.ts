import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MaskConfig, maskSchema } from '../../../shared/config/schema.ts';
import { MaskKeyMissingError } from '../../../shared/mask/errors.ts';
import { createMasker, MAX_DEPTH } from '../../../shared/mask/masker.ts';
import { MASKED_TOKEN } from '../../../shared/mask/placeholder.ts';
import { embedded, VALID } from '../../helpers/mask.ts';
import { makeRecord } from '../../helpers/records.ts';

/** The masker takes its key from `MaskKeys`; the reference only satisfies the schema's hmac rule. */
const config = (input: Record<string, unknown> = {}): MaskConfig =>
  maskSchema.parse({ hmacKey: { env: 'UNUSED' }, ...input });
const key = (s: string) => new TextEncoder().encode(s);
const TEXT = 'paid with 4111 1111 1111 1111 by Jane.Doe@Example.com from 203.0.113.9';

describe('createMasker: modes', () => {
  it('placeholder mode writes typed placeholders', () => {
    const audit = {};
    expect(createMasker(config()).maskText(TEXT, audit)).toBe('paid with <card> by <email> from <ipv4>');
    expect(audit).toEqual({ card: 1, email: 1, ipv4: 1 });
  });

  it('partial mode keeps the last four of a card, the domain of an e-mail and the /24 of an address', () => {
    const out = createMasker(config({ mode: 'partial' })).maskText(TEXT, {});
    expect(out).toBe('paid with <card:…1111> by <email>@Example.com from <ipv4:203.0.113.x>');
  });

  it('a per-detector mode overrides the default mode', () => {
    const masker = createMasker(config({ detectors: { card: { mode: 'partial' }, ipv4: false } }));
    expect(masker.maskText(TEXT, {})).toBe('paid with <card:…1111> by <email> from 203.0.113.9');
  });

  it('detectors can be switched off with false or enabled: false', () => {
    const masker = createMasker(config({ detectors: { email: false, card: { enabled: false } } }));
    expect(masker.maskText(TEXT, {})).toBe(
      'paid with 4111 1111 1111 1111 by Jane.Doe@Example.com from <ipv4>',
    );
  });

  it('hmac pseudonyms are stable per key, differ across keys, and join values written differently', () => {
    const a = createMasker(config({ mode: 'hmac' }), { hmacKey: key('tenant-a') });
    const a2 = createMasker(config({ mode: 'hmac' }), { hmacKey: key('tenant-a') });
    const b = createMasker(config({ mode: 'hmac' }), { hmacKey: key('tenant-b') });
    const out = a.maskText(TEXT, {});
    expect(out).toMatch(/^paid with <card:[0-9a-f]{16}> by <email:[0-9a-f]{16}> from <ipv4:[0-9a-f]{16}>$/);
    expect(a2.maskText(TEXT, {})).toBe(out);
    expect(b.maskText(TEXT, {})).not.toBe(out);
    // Same card with dashes, same address in another case: same pseudonyms.
    expect(a.maskText('4111-1111-1111-1111 jane.doe@example.com', {})).toBe(
      `${out.match(/<card:\w+>/)![0]} ${out.match(/<email:\w+>/)![0]}`,
    );
  });

  it('hmac pseudonyms are stable and key-dependent for every detector', () => {
    const a = createMasker(config({ mode: 'hmac' }), { hmacKey: key('k1') });
    const b = createMasker(config({ mode: 'hmac' }), { hmacKey: key('k2') });
    const any = fc.oneof(...Object.values(VALID));
    fc.assert(
      fc.property(any, ({ text, secret }) => {
        const out = a.maskText(text, {});
        expect(out).not.toContain(secret);
        expect(a.maskText(text, {})).toBe(out);
        expect(b.maskText(text, {})).not.toBe(out);
      }),
    );
  });

  it('refuses to start when a detector needs hmac and there is no key, naming the detector', () => {
    // The schema already refuses this (test/shared/config/schema.test.ts); the masker guards callers that skip it.
    const hmacEmail: MaskConfig = { ...config(), detectors: { email: { enabled: true, mode: 'hmac' } } };
    expect(() => createMasker(hmacEmail)).toThrow(MaskKeyMissingError);
    expect(() => createMasker(hmacEmail, { hmacKey: new Uint8Array() })).toThrow(/"email" uses mode hmac/);
    // A disabled detector needs no key.
    expect(() =>
      createMasker(config({ detectors: { email: { enabled: false, mode: 'hmac' } } })),
    ).not.toThrow();
  });
});

describe('createMasker: records', () => {
  const masker = createMasker(config());

  it('masks message, service and attribute strings at any depth, inside arrays; keys are scanned too', () => {
    const record = makeRecord({
      service: 'mailer bob@example.com',
      message: 'sent to bob@example.com',
      attributes: {
        status: 200,
        ok: true,
        nothing: null,
        'bob@example.com': 'key names are not masked',
        user: { contact: { emails: ['a@example.com', 'b@example.org'], ip: '198.51.100.7' } },
        matrix: [[['+14155552671']]],
      },
    });
    const audit: Record<string, number> = {};
    const out = masker.maskRecord(record, audit);
    expect(out.service).toBe('mailer <email>');
    expect(out.message).toBe('sent to <email>');
    expect(out.attributes).toEqual({
      status: 200,
      ok: true,
      nothing: null,
      '<email>': 'key names are not masked',
      user: { contact: { emails: ['<email>', '<email>'], ip: '<ipv4>' } },
      matrix: [[['<phone>']]],
    });
    expect(audit).toEqual({ email: 5, ipv4: 1, phone: 1 });
    expect(out.ingest).toEqual(record.ingest);
    expect(out.timestamp).toBe(record.timestamp);
  });

  it('never modifies its input, and returns the record itself when nothing needed masking', () => {
    fc.assert(
      fc.property(fc.oneof(...Object.values(VALID)), ({ text }) => {
        const record = makeRecord({ message: text, attributes: { nested: { list: [text, 1] }, token: 'x' } });
        const before = structuredClone(record);
        masker.maskRecord(record, {});
        expect(record).toEqual(before);
      }),
    );
    const clean = makeRecord({ message: 'GET /health 200 in 3 ms', attributes: { path: '/health', n: 3 } });
    expect(masker.maskRecord(clean, {})).toBe(clean);
  });

  it('masks whole values under sensitive key names, whatever they hold, case-insensitively', () => {
    const record = makeRecord({
      attributes: {
        user: { Password: 'hunter2', name: 'plain' },
        headers: { Authorization: 'anything at all', 'X-Api-Key': 'k' },
        API_KEY: 12345,
        cookie: { session: 'abc', prefs: ['a'] },
        client_secret: '',
        refresh_token: null,
      },
    });
    const audit: Record<string, number> = {};
    const out = masker.maskRecord(record, audit);
    expect(out.attributes).toEqual({
      user: { Password: '<redacted>', name: 'plain' },
      headers: { Authorization: '<redacted>', 'X-Api-Key': '<redacted>' },
      API_KEY: '<redacted>',
      cookie: '<redacted>',
      client_secret: '<redacted>',
      refresh_token: null,
    });
    expect(audit).toEqual({ sensitiveKey: 6 });
  });

  it('uses the configured sensitive key fragments only', () => {
    const custom = createMasker(config({ sensitiveKeys: ['ssn_hint'] }));
    const out = custom.maskRecord(makeRecord({ attributes: { password: 'hunter2', SSN_HINT: 'x' } }), {});
    expect(out.attributes).toEqual({ password: 'hunter2', SSN_HINT: '<redacted>' });
  });

  it('keeps a __proto__ key as data', () => {
    const attributes = JSON.parse('{"__proto__": {"password": "hunter2"}, "a": "b@example.com"}');
    const out = masker.maskRecord(makeRecord({ attributes }), {});
    expect(JSON.stringify(out.attributes)).toBe('{"__proto__":{"password":"<redacted>"},"a":"<email>"}');
  });

  it('masks subtrees nested deeper than MAX_DEPTH whole instead of recursing', () => {
    let deep: unknown = 'bob@example.com';
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = { d: deep };
    const audit: Record<string, number> = {};
    const out = masker.maskRecord(makeRecord({ attributes: { deep } }), audit);
    expect(JSON.stringify(out)).not.toContain('bob@');
    expect(audit).toEqual({ depth: 1 });
  });
});

describe('createMasker: allowList policy', () => {
  const masker = createMasker(
    config({
      policy: 'allowList',
      allowList: ['message', 'service', 'attributes.http.status', 'attributes.tags'],
    }),
  );

  it('fails closed: unlisted fields are replaced, listed fields still pass through the detectors', () => {
    const record = makeRecord({
      message: 'login by bob@example.com',
      attributes: {
        http: { status: 200, path: '/login?user=bob', method: 'POST' },
        tags: ['eu', 'ip 203.0.113.9'],
        user: { name: 'Bob', age: 42, vip: true, note: null },
        password: 'hunter2',
      },
    });
    const audit: Record<string, number> = {};
    const out = masker.maskRecord(record, audit);
    expect(out.message).toBe('login by <email>');
    expect(out.service).toBe('checkout');
    expect(out.level).toBe('info');
    expect(out.attributes).toEqual({
      http: { status: 200, path: '<redacted>', method: '<redacted>' },
      tags: ['eu', 'ip <ipv4>'],
      user: { name: '<redacted>', age: '<redacted>', vip: '<redacted>', note: null },
      password: '<redacted>',
    });
    expect(audit).toEqual({ email: 1, ipv4: 1, allowList: 5, sensitiveKey: 1 });
  });

  it('replaces message and service when they are not listed', () => {
    const strict = createMasker(config({ policy: 'allowList', allowList: [] }));
    const out = strict.maskRecord(makeRecord({ message: 'hello', attributes: { a: 1 } }), {});
    expect(out).toMatchObject({
      message: '<redacted>',
      service: '<redacted>',
      attributes: { a: '<redacted>' },
    });
  });
});

describe('idempotence', () => {
  it('masking a masked record changes nothing and counts nothing, in every mode', () => {
    const maskers = [
      createMasker(config()),
      createMasker(config({ mode: 'partial' })),
      createMasker(config({ mode: 'hmac' }), { hmacKey: key('k') }),
    ];
    const any = embedded(fc.oneof(...Object.values(VALID)));
    fc.assert(
      fc.property(
        fc.array(any, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(' ', '', '\n', ',', '=', ':', '/'),
        (parts, sep) => {
          const message = parts.map((p) => p.text).join(sep);
          for (const m of maskers) {
            const once = m.maskRecord(makeRecord({ message, attributes: { m: message } }), {});
            const audit = {};
            const twice = m.maskRecord(once, audit);
            expect(twice).toEqual(once);
            expect(audit).toEqual({});
          }
        },
      ),
    );
  });

  it('everything the masker writes is a MASKED_TOKEN', () => {
    const masker = createMasker(config({ mode: 'partial' }));
    const out = masker.maskText(TEXT, {});
    expect(out.replace(MASKED_TOKEN, 'X')).toBe('paid with X by X@Example.com from X');
  });
});
