import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createKeyStore, credentialCandidates, sha256 } from '../../../shared/ingest/auth.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const store = createKeyStore([
  { tenant: 'acme', keyId: 'a', sha256: sha256('key-a') },
  { tenant: 'globex', keyId: 'g', sha256: sha256('key-g') },
]);

describe('credentialCandidates', () => {
  it('reads every header shippers put the key in', () => {
    expect(credentialCandidates({ authorization: 'Bearer key-a' })).toEqual(['key-a']);
    expect(credentialCandidates({ authorization: 'Splunk key-a' })).toEqual(['key-a']);
    expect(credentialCandidates({ authorization: 'ApiKey key-a' })).toEqual(['key-a']);
    expect(credentialCandidates({ authorization: `ApiKey ${b64('id1:key-a')}` })).toEqual([
      b64('id1:key-a'),
      'key-a',
      'id1:key-a',
    ]);
    expect(credentialCandidates({ authorization: `Basic ${b64('elastic:key-a')}` })).toEqual(['key-a']);
    expect(credentialCandidates({ authorization: `basic ${b64('key-a:')}` })).toEqual(['key-a']);
    expect(credentialCandidates({ 'x-amz-firehose-access-key': 'key-a' })).toEqual(['key-a']);
    expect(credentialCandidates({ authorization: 'Digest x' })).toEqual([]);
    expect(credentialCandidates({})).toEqual([]);
  });
});

describe('key store', () => {
  it('finds the tenant of a configured key from any header form', () => {
    for (const headers of [
      { authorization: 'Bearer key-g' },
      { authorization: `ApiKey ${b64('x:key-g')}` },
      { authorization: `Basic ${b64('user:key-g')}` },
      { 'x-amz-firehose-access-key': 'key-g' },
    ]) {
      expect(store.verify(credentialCandidates(headers))).toEqual({ tenant: 'globex', keyId: 'g' });
    }
  });

  it('Basic: the password is the key; the username only when the password is empty', () => {
    expect(store.verify(credentialCandidates({ authorization: `Basic ${b64('key-a:')}` }))?.tenant).toBe(
      'acme',
    );
    expect(
      store.verify(credentialCandidates({ authorization: `Basic ${b64('key-a:wrong')}` })),
    ).toBeUndefined();
    expect(store.verify(credentialCandidates({ authorization: `Basic ${b64('key-a:key-g')}` }))?.tenant).toBe(
      'globex',
    );
  });

  it('matches nothing but the exact keys', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        fc.pre(s !== 'key-a' && s !== 'key-g');
        expect(store.verify([s, `${s} `, s.toUpperCase() === s ? `${s}x` : s.toUpperCase()])).toBeUndefined();
      }),
    );
    expect(store.verify(['KEY-A', 'key-a ', 'key-'])).toBeUndefined();
  });
});
