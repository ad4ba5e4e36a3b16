/**
 * A deterministic labelled corpus for the masker (`npm run bench:mask`): every detector's valid values
 * (test/helpers/mask.ts, identifiers.ts: generated from the published check rules) in several positions and
 * encodings, and look-alikes that must stay (values failing their checksums, epoch timestamps, trace ids, git
 * SHAs, pod names, SKUs, versions, random 9/11/15-digit numbers). Same seed, same corpus.
 */
import fc from 'fast-check';
import { DETECTOR_NAMES, type DetectorName } from '../../shared/config/schema.ts';
import type { LogRecord } from '../../shared/record/record.ts';
import { lookAlikes, NEAR_MISSES, VALID } from './mask.ts';

export interface LabelledRecord {
  record: LogRecord;
  /** For a positive: the detector whose value it carries and the secret that must not survive. */
  type: string;
  secret?: string;
  /** Where the value sits (message, attribute, key, url, json-escaped, number…). */
  position: string;
}

const POSITIONS = ['message', 'attribute', 'url', 'json-in-message', 'yaml-in-message'] as const;

function record(message: string, attributes: Record<string, unknown>, i: number): LogRecord {
  return {
    timestamp: 1_764_688_000_000 + i,
    level: 'info',
    service: 'checkout',
    message,
    attributes: { trace_id: (i * 2_654_435_761).toString(16).padStart(32, 'a'), ...attributes },
    ingest: { receivedAt: 0, protocol: 'bench', id: `c-${i}` },
  } as unknown as LogRecord;
}

function place(text: string, position: string, i: number): LogRecord {
  switch (position) {
    case 'attribute':
      return record('request done', { detail: text, status: 200 }, i);
    case 'url':
      return record(`GET /api/v1/lookup?q=${encodeURIComponent(text)}&page=2 200`, {}, i);
    case 'json-in-message':
      return record(`upstream said ${JSON.stringify(JSON.stringify({ detail: text, code: 7 }))}`, {}, i);
    case 'yaml-in-message':
      return record(`config:\n  detail: ${text}\n  retries: 3`, {}, i);
    default:
      return record(`user action ${text} completed in 12 ms`, {}, i);
  }
}

const sample = <T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] =>
  fc.sample(arb, { seed, numRuns: n });

const LOOK_ALIKES: Record<string, fc.Arbitrary<string>> = {
  ...lookAlikes,
  epochMs: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }).map((n) => `ts=${n}`),
  epochNs: fc
    .bigInt({ min: 1_600_000_000_000_000_000n, max: 1_900_000_000_000_000_000n })
    .map((n) => `t ${n}`),
  traceId: fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('hex')),
  gitSha: fc
    .uint8Array({ minLength: 20, maxLength: 20 })
    .map((b) => `commit ${Buffer.from(b).toString('hex')}`),
  pod: fc
    .tuple(fc.integer({ min: 0, max: 0xffffff }), fc.integer({ min: 0, max: 0xfffff }))
    .map(([a, b]) => `checkout-${a.toString(16)}-${b.toString(36)}`),
  sku: fc.integer({ min: 0, max: 999_999 }).map((n) => `SKU-${String(n).padStart(6, '0')}-XL`),
  version: fc.tuple(fc.nat(30), fc.nat(99), fc.nat(999)).map(([a, b, c]) => `v${a}.${b}.${c}`),
  port: fc.integer({ min: 1024, max: 65_535 }).map((p) => `listening on :${p}`),
  bytes: fc.integer({ min: 1_000_000, max: 99_999_999 }).map((n) => `sent ${n} bytes`),
};

/**
 * `perType` positives per detector (spread over the positions, plus detector-specific ones: cards as JSON numbers,
 * e-mails as object keys, name/value pairs) and `perLookAlike` negatives per look-alike kind.
 */
export function makeMaskCorpus(perType = 300, perLookAlike = 300, seed = 20_261_202): LabelledRecord[] {
  const out: LabelledRecord[] = [];
  let i = 0;
  DETECTOR_NAMES.forEach((name: DetectorName, t) => {
    const values = sample(VALID[name], perType, seed + t);
    values.forEach(({ text, secret }, k) => {
      const position = POSITIONS[k % POSITIONS.length]!;
      out.push({ record: place(text, position, i++), type: name, secret, position });
    });
  });
  // Where identifiers hide beyond strings: numbers, keys, name/value pairs, free-text credentials.
  const cards = sample(VALID.card, perType, seed + 100).map((c) => c.secret.replace(/\D/g, ''));
  cards.forEach((d, k) => {
    if (d.length <= 16 && Number.isSafeInteger(Number(d)))
      out.push({
        record: record('charge', { pan: Number(d) }, i++),
        type: 'card',
        secret: d,
        position: 'json-number',
      });
    const sep = ['.', '\u00a0', '+', '%20', '/'][k % 5]!;
    const grouped = d.length === 16 ? d.match(/.{4}/g)!.join(sep) : d;
    out.push({
      record: record(`pan ${grouped} ok`, {}, i++),
      type: 'card',
      secret: grouped,
      position: 'separator',
    });
  });
  sample(VALID.email, perType, seed + 101).forEach(({ secret }) => {
    out.push({
      record: record('quota', { by_user: { [secret]: 3 } }, i++),
      type: 'email',
      secret,
      position: 'key',
    });
  });
  const pw = fc
    .string({
      unit: fc.constantFrom(...'abcdefghijkmnpqrstuvwxyzABCDEFGH0123456789!$'),
      minLength: 6,
      maxLength: 16,
    })
    .filter((s) => /\d/.test(s));
  sample(
    fc.tuple(pw, fc.constantFrom('password=', 'passwd: ', '"pwd":"', 'secret=', '&token=', 'Password: ')),
    perType,
    seed + 102,
  ).forEach(([p, key], k) => {
    const line = `login attempt user=bob ${key}${p}${key.startsWith('"') ? '"' : ''} from app`;
    out.push({
      record: record(line, {}, i++),
      type: 'freeTextPassword',
      secret: p,
      position: k % 2 ? 'message' : 'message',
    });
  });
  sample(pw, perType, seed + 103).forEach((p) => {
    out.push({
      record: record('task def', { env: [{ name: 'DB_PASSWORD', value: p }] }, i++),
      type: 'nameValue',
      secret: p,
      position: 'attribute',
    });
  });
  // International phone formats from the issue (libphonenumber-js is not wired in yet: these measure the gap).
  const intl = fc
    .tuple(fc.integer({ min: 1_000_000, max: 9_999_999 }), fc.integer({ min: 0, max: 4 }))
    .map(([n, f]) => {
      const d = String(n);
      return [
        `+49 30 ${d}`,
        `+49 (0)30 ${d}`,
        `0049 30 ${d}`,
        `+31 6 ${d}1`,
        `+46 70 ${d.slice(0, 3)} ${d.slice(3, 5)} ${d.slice(5)}`,
      ][f]!;
    });
  sample(intl, perType, seed + 104).forEach((text, k) => {
    const position = POSITIONS[k % 2]!;
    out.push({ record: place(text, position, i++), type: 'phoneInternational', secret: text, position });
  });
  // Negatives: near misses per detector and the look-alikes.
  DETECTOR_NAMES.forEach((name, t) => {
    sample(NEAR_MISSES[name], Math.ceil(perLookAlike / 3), seed + 200 + t).forEach((text, k) => {
      out.push({
        record: place(text, POSITIONS[k % 2]!, i++),
        type: `nearMiss:${name}`,
        position: 'message',
      });
    });
  });
  Object.entries(LOOK_ALIKES).forEach(([kind, arb], t) => {
    sample(arb, perLookAlike, seed + 400 + t).forEach((text, k) => {
      out.push({
        record: place(text, POSITIONS[k % 2]!, i++),
        type: `lookAlike:${kind}`,
        position: 'message',
      });
    });
  });
  return out;
}
