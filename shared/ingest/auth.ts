import { createHash, timingSafeEqual } from 'node:crypto';

/** A configured ingestion key: only its SHA-256 is held in memory. */
export interface KeyEntry {
  tenant: string;
  keyId: string;
  /** SHA-256 digest of the key (32 bytes). */
  sha256: Uint8Array;
}

export interface KeyMatch {
  tenant: string;
  keyId: string;
}

export interface KeyStore {
  /** The first configured key one of the candidates hashes to, compared in constant time against every entry. */
  verify(candidates: readonly string[]): KeyMatch | undefined;
  readonly size: number;
}

/** Keys longer than this are not keys; hashing them would only cost time. */
const MAX_KEY_LENGTH = 1024;

export function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function createKeyStore(entries: readonly KeyEntry[]): KeyStore {
  const hashes = entries.map((e) => {
    if (e.sha256.length !== 32) throw new RangeError(`key ${e.tenant}/${e.keyId}: sha256 must be 32 bytes`);
    return Buffer.from(e.sha256);
  });
  return {
    size: entries.length,
    verify(candidates) {
      let found = -1;
      for (const candidate of candidates) {
        if (candidate.length === 0 || candidate.length > MAX_KEY_LENGTH) continue;
        const digest = sha256(candidate);
        // Every entry is compared, whatever matched before, so timing does not reveal which key (or how much).
        for (let i = 0; i < hashes.length; i++) {
          const equal = timingSafeEqual(digest, hashes[i]!);
          if (equal && found === -1) found = i;
        }
      }
      const entry = found === -1 ? undefined : entries[found];
      return entry && { tenant: entry.tenant, keyId: entry.keyId };
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** `id:key` inside base64, as Elasticsearch API keys and Basic credentials carry it; undefined when not that. */
function decodePair(value: string): [string, string] | undefined {
  if (!BASE64.test(value)) return undefined;
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1 || text.includes('\uFFFD')) return undefined;
  return [text.slice(0, colon), text.slice(colon + 1)];
}

/**
 * Every string in the request that may be the ingestion key, from the headers shippers use:
 * `Authorization: Bearer|Splunk <key>`, `ApiKey <key>` (as given, or base64 `id:key` whose key part or whole pair
 * may be the key), `Basic` (password, or user when the password is empty, as Beats send tokens), Firehose's
 * `X-Amz-Firehose-Access-Key`, `X-Api-Key` and Datadog's `DD-API-KEY`. Header names are lower-case (API Gateway v2 lower-cases them).
 */
export function credentialCandidates(headers: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  const authorization = headers['authorization']?.trim();
  if (authorization) {
    const space = authorization.indexOf(' ');
    const scheme = (space === -1 ? '' : authorization.slice(0, space)).toLowerCase();
    const value = space === -1 ? authorization : authorization.slice(space + 1).trim();
    if (scheme === 'bearer' || scheme === 'splunk') out.push(value);
    else if (scheme === 'apikey') {
      out.push(value);
      const pair = decodePair(value);
      if (pair) out.push(pair[1], `${pair[0]}:${pair[1]}`);
    } else if (scheme === 'basic') {
      const pair = decodePair(value);
      if (pair) {
        // Only a username alone stands for the key: with a password, the username is just a name (`elastic`),
        // and a key there with a wrong password must not pass.
        if (pair[1] !== '') out.push(pair[1]);
        else if (pair[0] !== '') out.push(pair[0]);
      }
    }
  }
  for (const name of ['x-amz-firehose-access-key', 'x-api-key', 'dd-api-key']) {
    const value = headers[name]?.trim();
    if (value) out.push(value);
  }
  return out;
}
