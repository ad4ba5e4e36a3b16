/**
 * Check-digit generators for the national-id and token detectors: every value is computed from the published
 * rule (docs/detectors.md, shared/reference/identifiers.md) here, independently of the detectors' validators, so a
 * broken validator and a broken generator cannot agree by accident. Values are synthetic but real-looking.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { DetectorName } from '../../shared/config/schema.ts';
import { hetuOk } from '../../shared/mask/detectors/fi-hetu.ts';
import { keccak256 } from '../../shared/mask/detectors/keccak.ts';
import { personnummerOk } from '../../shared/mask/detectors/se-personnummer.ts';

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = UPPER.toLowerCase();
const BASE62 = `${DIGITS}${UPPER}${LOWER}`;
const HEX = '0123456789abcdef';

const chars = (alphabet: string, min: number, max = min) =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
const int = (min: number, max: number) => fc.integer({ min, max });
const pad = (n: number, w: number) => String(n).padStart(w, '0');
const digits = (n: number) => chars(DIGITS, n);
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

export interface Secret {
  text: string;
  secret: string;
}

/** A value under a keyword label: `BSN 123456782`. */
const labelled = (labels: readonly string[], value: fc.Arbitrary<string>): fc.Arbitrary<Secret> =>
  fc.tuple(fc.constantFrom(...labels), value).map(([l, v]) => ({ text: `${l}${v}`, secret: v }));
const bare = (value: fc.Arbitrary<string>): fc.Arbitrary<Secret> =>
  value.map((v) => ({ text: v, secret: v }));

/** Replaces the last character by another one of `alphabet`: a broken check digit/letter. */
export const breakLast = (v: string, alphabet = DIGITS): string => {
  const last = v.at(-1)!;
  const i = alphabet.indexOf(last);
  return v.slice(0, -1) + alphabet[(i + 1) % alphabet.length]!;
};

const luhnDigit = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let x = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    sum += x;
  }
  return String((10 - (sum % 10)) % 10);
};
const luhn = (body: string): string => body + luhnDigit(body);

const mod = (s: string, m: number): number => Number(BigInt(s) % BigInt(m));

const DAYS_IN = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** A calendar date: [year, month, day], 28 February at most (leap years need no special case). */
const date = (minYear: number, maxYear: number) =>
  fc
    .tuple(int(minYear, maxYear), int(1, 12), int(1, 31))
    .map(([y, m, d]) => [y, m, Math.min(d, DAYS_IN[m - 1]!)] as const);

// --- national ids ------------------------------------------------------------------------------------------

/** Steuer-ID: ten digits with one digit doubled (9 distinct), ISO 7064 MOD 11,10 check digit. */
export const steuerId = fc
  .tuple(fc.shuffledSubarray([...DIGITS], { minLength: 10, maxLength: 10 }), int(0, 9), int(0, 9))
  .filter(([, a, b]) => a !== b)
  .map(([ds, from, to]) => {
    const d = [...ds];
    d[to] = d[from]!;
    return d.join('');
  })
  .filter((d) => d[0] !== '0')
  .map((ten) => {
    let product = 10;
    for (const ch of ten) {
      let sum = (Number(ch) + product) % 10;
      if (sum === 0) sum = 10;
      product = (sum * 2) % 11;
    }
    return ten + String((11 - product) % 10);
  });

/** NIR: sex, yy, mm, department (2A/2B for Corsica), commune, order, key = 97 − n mod 97. */
export const nir = fc
  .tuple(
    fc.constantFrom('1', '2'),
    int(0, 99),
    int(1, 12),
    fc.oneof(
      int(1, 95)
        .map((n) => pad(n, 2))
        .filter((d) => d !== '20'),
      fc.constantFrom('2A', '2B'),
    ),
    int(1, 990),
    int(1, 999),
  )
  .map(([s, yy, mm, dept, commune, order]) => {
    const head = `${s}${pad(yy, 2)}${pad(mm, 2)}${dept}${pad(commune, 3)}${pad(order, 3)}`;
    const numeric = head.replace('2A', '19').replace('2B', '18');
    return `${head}${pad(97 - mod(numeric, 97), 2)}`;
  });
const spaceNir = (v: string) =>
  [
    v.slice(0, 1),
    v.slice(1, 3),
    v.slice(3, 5),
    v.slice(5, 7),
    v.slice(7, 10),
    v.slice(10, 13),
    v.slice(13),
  ].join(' ');

const DNI = 'TRWAGMYFPDXBNJZSQVHLCKE';
export const dni = int(0, 99_999_999).map((n) => `${pad(n, 8)}${DNI[n % 23]}`);
export const nie = fc
  .tuple(int(0, 2), int(0, 9_999_999))
  .map(([p, n]) => `${'XYZ'[p]}${pad(n, 7)}${DNI[Number(`${p}${pad(n, 7)}`) % 23]}`);

const CF_ODD: Record<string, number> = {};
const ODD_VALUES = [
  1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23,
];
for (let i = 0; i < 10; i++) CF_ODD[String(i)] = ODD_VALUES[i]!;
for (let i = 0; i < 26; i++) CF_ODD[UPPER[i]!] = ODD_VALUES[i]!;
const cfEven = (c: string) => (c >= '0' && c <= '9' ? Number(c) : c.charCodeAt(0) - 65);
export const codiceFiscale = fc
  .tuple(
    chars(UPPER, 6),
    int(0, 99),
    fc.constantFrom(...'ABCDEHLMPRST'),
    int(1, 28),
    fc.boolean(),
    chars(UPPER, 1),
    int(100, 999),
  )
  .map(([name, yy, m, day, woman, town, code]) => {
    const body = `${name}${pad(yy, 2)}${m}${pad(woman ? day + 40 : day, 2)}${town}${code}`;
    let sum = 0;
    for (let i = 0; i < 15; i++) sum += i % 2 === 0 ? CF_ODD[body[i]!]! : cfEven(body[i]!);
    return body + UPPER[sum % 26];
  });

export const bsn = digits(8)
  .map((d8) => {
    let s = 0;
    for (let i = 0; i < 8; i++) s += (9 - i) * Number(d8[i]);
    return { d8, last: s % 11 };
  })
  .filter(({ d8, last }) => last <= 9 && d8 !== '00000000')
  .map(({ d8, last }) => `${d8}${last}`);

export const pesel = fc.tuple(date(1900, 2099), digits(4)).map(([[y, m, d], serial]) => {
  const body = `${pad(y % 100, 2)}${pad(y >= 2000 ? m + 20 : m, 2)}${pad(d, 2)}${serial}`;
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const sum = w.reduce((s, wi, i) => s + wi * Number(body[i]), 0);
  return body + String((10 - (sum % 10)) % 10);
});

/** Personnummer `yymmdd-nnnc`; `coordination` adds 60 to the day (samordningsnummer). */
export const personnummer = fc
  .tuple(date(1930, 2020), digits(3), fc.boolean())
  .map(([[y, m, d], serial, coordination]) => {
    const ten = luhn(`${pad(y % 100, 2)}${pad(m, 2)}${pad(coordination ? d + 60 : d, 2)}${serial}`);
    return { ten, century: String(Math.floor(y / 100)) };
  });

const HETU = '0123456789ABCDEFHJKLMNPRSTUVWXY';
export const hetu = fc.tuple(date(1900, 2029), int(2, 899)).map(([[y, m, d], n]) => {
  const ddmmyy = `${pad(d, 2)}${pad(m, 2)}${pad(y % 100, 2)}`;
  const sign = y >= 2000 ? 'A' : '-';
  return `${ddmmyy}${sign}${pad(n, 3)}${HETU[Number(`${ddmmyy}${pad(n, 3)}`) % 31]}`;
});

export const beNumber = fc.tuple(date(1930, 2024), int(1, 997)).map(([[y, m, d], serial]) => {
  const nine = `${pad(y % 100, 2)}${pad(m, 2)}${pad(d, 2)}${pad(serial, 3)}`;
  const check = 97 - mod(y >= 2000 ? `2${nine}` : nine, 97);
  return `${nine}${pad(check, 2)}`;
});
const formatBe = (v: string) =>
  `${v.slice(0, 2)}.${v.slice(2, 4)}.${v.slice(4, 6)}-${v.slice(6, 9)}.${v.slice(9)}`;

export const svnr = fc
  .tuple(int(100, 999), date(1930, 2020))
  .map(([serial, [y, m, d]]) => {
    const s = String(serial);
    const born = `${pad(d, 2)}${pad(m, 2)}${pad(y % 100, 2)}`;
    const w = [3, 7, 9, 5, 8, 4, 2, 1, 6];
    const ds = `${s}${born}`;
    const check = w.reduce((sum, wi, i) => sum + wi * Number(ds[i]), 0) % 11;
    return { check, v: `${s}${check}${born}` };
  })
  .filter(({ check }) => check < 10)
  .map(({ v }) => v);

const PPS_CHECK = 'WABCDEFGHIJKLMNOPQRSTUV';
export const pps = fc.tuple(digits(7), fc.constantFrom('', 'A', 'B', 'H', 'W')).map(([d, second]) => {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (8 - i) * Number(d[i]);
  if (second && second !== 'W') sum += 9 * (second.charCodeAt(0) - 64);
  return `${d}${PPS_CHECK[sum % 23]}${second}`;
});

export const nino = fc
  .tuple(
    fc.constantFrom(...'ABCEGHJKLMNOPRSTWXYZ'),
    fc.constantFrom(...'ABCEGHJKLMNPRSTWXYZ'),
    digits(6),
    fc.constantFrom(...'ABCD'),
  )
  .filter(([a, b]) => !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(a + b))
  .map(([a, b, d, s]) => `${a}${b}${d}${s}`);

export const nhs = digits(9)
  .map((d9) => {
    const sum = [...d9].reduce((s, c, i) => s + (10 - i) * Number(c), 0);
    return { d9, check: (11 - (sum % 11)) % 11 };
  })
  .filter(({ check }) => check !== 10)
  .map(({ d9, check }) => `${d9}${check}`);

export const sin = fc
  .tuple(fc.constantFrom(...'1234567 9'.replace(' ', '')), digits(7))
  .map(([f, d]) => luhn(`${f}${d}`));

export const itin = fc
  .tuple(digits(2), fc.oneof(int(70, 88), int(90, 92), int(94, 99)), digits(4))
  .map(([a, g, s]) => `9${a}-${g}-${s}`);

/** IMEI: a reporting-body TAC prefix (35 BABT, 86 TAF, 01 PTCRB, 99 GHA) + 12 digits + Luhn. */
export const imeiValue = fc
  .tuple(fc.constantFrom('35', '86', '01', '99'), digits(12))
  .map(([p, d]) => luhn(`${p}${d}`));

// --- crypto ------------------------------------------------------------------------------------------------

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest();
function base58(b: Uint8Array): string {
  let n = BigInt(`0x${Buffer.from(b).toString('hex') || '0'}`);
  let out = '';
  while (n > 0n) {
    out = B58[Number(n % 58n)]! + out;
    n /= 58n;
  }
  for (const x of b) {
    if (x !== 0) break;
    out = `1${out}`;
  }
  return out;
}
const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
function bech32Polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const b = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((b >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}
function segwit(version: number, program: Uint8Array): string {
  const data = [version];
  let acc = 0;
  let bits = 0;
  for (const x of program) {
    acc = (acc << 8) | x;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const hrp = [3, 3, 0, 2, 3];
  const constant = version === 0 ? 1 : 0x2bc830a3;
  const pm = bech32Polymod([...hrp, ...data, 0, 0, 0, 0, 0, 0]) ^ constant;
  for (let i = 0; i < 6; i++) data.push((pm >>> (5 * (5 - i))) & 31);
  return `bc1${data.map((d) => CHARSET[d]).join('')}`;
}
export const btc = fc.oneof(
  fc.tuple(fc.constantFrom(0x00, 0x05), bytes(20)).map(([v, h]) => {
    const payload = Uint8Array.from([v, ...h]);
    const check = sha256(sha256(payload)).subarray(0, 4);
    return base58(Uint8Array.from([...payload, ...check]));
  }),
  bytes(20).map((p) => segwit(0, p)),
  bytes(32).map((p) => segwit(1, p)),
);

/** EIP-55 checksummed, or all lower case (no checksum). */
export const eth = fc.tuple(chars(HEX, 40), fc.boolean()).map(([hex, checksummed]) => {
  if (!checksummed) return `0x${hex}`;
  const hash = Buffer.from(keccak256(new TextEncoder().encode(hex))).toString('hex');
  return `0x${[...hex].map((c, i) => (Number.parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c)).join('')}`;
});

// --- tokens ------------------------------------------------------------------------------------------------

/** Bitwise CRC-32 (no table: a second implementation, not the detector's). */
function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i);
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
const b62 = (n: number) => {
  let out = '';
  for (let v = n; v > 0; v = Math.floor(v / 62)) out = BASE62[v % 62] + out;
  return out.padStart(6, '0');
};
const crcToken = (prefix: string) => chars(BASE62, 30).map((r) => `${prefix}${r}${b62(crc32(r))}`);
export const githubClassic = fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_').chain(crcToken);
export const npm = crcToken('npm_');

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

// --- VALID / NEAR_MISSES for the shared property tests -----------------------------------------------------

export type NewDetector = Exclude<
  DetectorName,
  | 'email'
  | 'ipv4'
  | 'ipv6'
  | 'card'
  | 'iban'
  | 'ssn'
  | 'phone'
  | 'awsAccessKey'
  | 'awsSecretKey'
  | 'jwt'
  | 'authHeader'
  | 'urlPassword'
  | 'mac'
  | 'privateKey'
>;

/** Shannon entropy, bits per character (a second implementation, not the detector's). */
function entropy(v: string): number {
  const counts: Record<string, number> = {};
  for (const c of v) counts[c] = (counts[c] ?? 0) + 1;
  return -Object.values(counts).reduce((h, n) => h + (n / v.length) * Math.log2(n / v.length), 0);
}
/** A random secret as generated by a key service: ≥ 3.7 bits per character (real 24+ char keys score 4–5); 40 characters would be an `awsSecretKey`. */
const secretValue = chars(BASE62, 20, 36).filter((v) => entropy(v) >= 3.7);

export const VALID_IDS: Readonly<Record<NewDetector, fc.Arbitrary<Secret>>> = {
  deTaxId: fc.oneof(
    labelled(['Steuer-ID: ', 'steuerid=', 'IdNr ', 'tax_id: '], steuerId),
    bare(steuerId.map((v) => `${v.slice(0, 2)} ${v.slice(2, 5)} ${v.slice(5, 8)} ${v.slice(8)}`)),
  ),
  frNir: bare(fc.tuple(nir, fc.boolean()).map(([v, spaced]) => (spaced ? spaceNir(v) : v))),
  esDni: bare(
    fc.tuple(dni, fc.constantFrom('', '-')).map(([v, sep]) => `${v.slice(0, 8)}${sep}${v.slice(8)}`),
  ),
  esNie: bare(nie),
  itFiscalCode: bare(
    fc.tuple(codiceFiscale, fc.boolean()).map(([v, lower]) => (lower ? v.toLowerCase() : v)),
  ),
  nlBsn: labelled(['BSN ', 'bsn=', 'burgerservicenummer: ', '"bsn":"'], bsn),
  plPesel: labelled(['PESEL ', 'pesel=', '"pesel": "'], pesel),
  // A `yymmdd-nnnc` that is also a valid Finnish `ddmmyy-nnnC` is masked as `fiHetu` (it runs first).
  sePersonnummer: fc.oneof(
    bare(personnummer.map(({ ten }) => `${ten.slice(0, 6)}-${ten.slice(6)}`).filter((v) => !hetuOk(v))),
    bare(personnummer.map(({ ten, century }) => `${century}${ten.slice(0, 6)}-${ten.slice(6)}`)),
    labelled(
      ['personnummer ', 'pnr='],
      personnummer.map(({ ten }) => ten),
    ),
  ),
  fiHetu: bare(hetu),
  beNationalNumber: fc.oneof(
    bare(beNumber.map(formatBe)),
    labelled(['rijksregisternummer ', 'INSZ: ', 'niss='], beNumber),
  ),
  atSvnr: fc.oneof(
    bare(svnr.map((v) => `${v.slice(0, 4)} ${v.slice(4)}`)),
    labelled(['SVNR ', 'Sozialversicherungsnummer: '], svnr),
  ),
  iePps: labelled(['PPS ', 'PPSN: ', 'pps_number='], pps),
  ukNino: labelled(
    ['NINO ', 'National Insurance number: ', 'ni_number='],
    fc
      .tuple(nino, fc.boolean())
      .map(([v, s]) =>
        s ? `${v.slice(0, 2)} ${v.slice(2, 4)} ${v.slice(4, 6)} ${v.slice(6, 8)} ${v.slice(8)}` : v,
      ),
  ),
  ukNhs: labelled(['NHS ', 'nhs_number=', 'NHS no: ', 'patient '], nhs),
  caSin: labelled(
    ['SIN ', 'social insurance number: ', 'sin='],
    fc
      .tuple(sin, fc.constantFrom('', ' ', '-'))
      .map(([v, s]) => `${v.slice(0, 3)}${s}${v.slice(3, 6)}${s}${v.slice(6)}`),
  ),
  usItin: fc.oneof(
    bare(itin),
    labelled(
      ['ITIN ', 'itin='],
      itin.map((v) => v.replace(/-/g, '')),
    ),
  ),
  imei: fc.oneof(
    labelled(['IMEI ', 'imei=', '"imei":"'], imeiValue),
    bare(imeiValue.map((v) => `${v.slice(0, 2)}-${v.slice(2, 8)}-${v.slice(8, 14)}-${v.slice(14)}`)),
  ),
  btcAddress: bare(btc),
  ethAddress: bare(eth),
  githubToken: bare(githubClassic),
  githubFineGrainedToken: bare(
    fc.tuple(chars(BASE62, 22), chars(BASE62, 59)).map(([a, b]) => `github_pat_${a}_${b}`),
  ),
  npmToken: bare(npm),
  slackToken: bare(
    fc.oneof(
      fc.tuple(digits(12), digits(13), chars(BASE62, 24)).map(([a, b, c]) => `xoxb-${a}-${b}-${c}`),
      fc
        .tuple(digits(12), digits(12), digits(13), chars(HEX, 32))
        .map(([a, b, c, d]) => `xoxp-${a}-${b}-${c}-${d}`),
      fc
        .tuple(chars(`${UPPER}${DIGITS}`, 10), digits(13), chars(HEX, 64))
        .map(([a, b, c]) => `xapp-1-A${a}-${b}-${c}`),
    ),
  ),
  slackWebhook: fc
    .tuple(chars(`${UPPER}${DIGITS}`, 8, 10), chars(`${UPPER}${DIGITS}`, 8, 10), chars(BASE62, 24))
    .map(([t, b, s]) => {
      const path = `services/T${t}/B${b}/${s}`;
      return { text: `https://hooks.slack.com/${path}`, secret: path };
    }),
  stripeKey: bare(
    fc
      .tuple(fc.constantFrom('sk', 'rk'), fc.constantFrom('live', 'test'), chars(BASE62, 24, 99))
      .map(([k, env, s]) => `${k}_${env}_${s}`),
  ),
  googleApiKey: bare(chars(`${BASE62}_-`, 35).map((s) => `AIza${s}`)),
  openaiKey: bare(
    fc.oneof(
      fc.tuple(chars(BASE62, 20), chars(BASE62, 20)).map(([a, b]) => `sk-${a}T3BlbkFJ${b}`),
      fc
        .tuple(
          fc.constantFrom('proj', 'svcacct', 'admin'),
          chars(`${BASE62}_-`, 20, 74),
          chars(`${BASE62}_-`, 20, 74),
        )
        .map(([k, a, b]) => `sk-${k}-${a}T3BlbkFJ${b}`),
    ),
  ),
  anthropicKey: bare(chars(`${BASE62}_-`, 93).map((s) => `sk-ant-api03-${s}AA`)),
  azureStorageKey: fc.tuple(fc.stringMatching(/^[a-z0-9]{3,24}$/), bytes(64)).map(([account, key]) => {
    const k = b64(key);
    return {
      text: `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=${k};EndpointSuffix=core.windows.net`,
      secret: k,
    };
  }),
  azureSas: fc
    .tuple(fc.stringMatching(/^[a-z0-9]{3,24}$/), bytes(32), fc.boolean())
    .map(([account, sig, encoded]) => {
      const s = b64(sig);
      const written = encoded ? encodeURIComponent(s) : s;
      return {
        text: `https://${account}.blob.core.windows.net/logs/a.json?sv=2022-11-02&sp=r&se=2026-12-31T00:00:00Z&sig=${written}`,
        secret: s.slice(0, 20),
      };
    }),
  genericSecret: fc
    .tuple(
      fc.constantFrom(
        'client_secret',
        'api_key',
        'apiKey',
        'x-api-key',
        'auth_token',
        'signing_key',
        'DB_PASSWORD',
        'access_key',
      ),
      fc.constantFrom('=', ': ', '=', '" : "', '":"', ' => '),
      secretValue,
    )
    .map(([k, sep, v]) => ({ text: `${k}${sep}${v}`, secret: v })),
  connectionStringPassword: fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9!#$*~^-]{6,24}$/), fc.constantFrom('ado', 'odbc', 'jdbc'))
    .map(([p, kind]) => {
      const text =
        kind === 'ado'
          ? `Server=tcp:db.example.com,1433;Database=orders;User ID=app;Password=${p};Encrypt=True`
          : kind === 'odbc'
            ? `Driver={ODBC Driver 18};Server=db;Uid=app;Pwd={${p}};`
            : `jdbc:sqlserver://db.example.com:1433;databaseName=orders;user=app;password=${p}`;
      return { text, secret: p };
    }),
};

export const NEAR_MISS_IDS: Readonly<Record<NewDetector, fc.Arbitrary<string>>> = {
  deTaxId: fc.oneof(
    steuerId.map((v) => `Steuer-ID: ${breakLast(v)}`),
    steuerId.map((v) => `order ${v}`),
  ),
  frNir: nir.map((v) => breakLast(v)),
  esDni: dni.map((v) => breakLast(v, DNI)),
  esNie: nie.map((v) => breakLast(v, DNI)),
  itFiscalCode: codiceFiscale.map((v) => breakLast(v, UPPER)),
  nlBsn: fc.oneof(
    bsn.map((v) => `BSN ${breakLast(v)}`),
    bsn.map((v) => `order ${v}`),
  ),
  plPesel: fc.oneof(
    pesel.map((v) => `PESEL ${breakLast(v)}`),
    pesel.map((v) => `order ${v}`),
  ),
  // `yymmdd-nnnc` is also the shape of a Finnish `ddmmyy-nnnC` with a digit check: near misses are neither.
  sePersonnummer: fc.oneof(
    personnummer.map(({ ten }) => breakLast(`${ten.slice(0, 6)}-${ten.slice(6)}`)).filter((v) => !hetuOk(v)),
    personnummer.map(({ ten }) => `ts ${ten}`),
  ),
  fiHetu: hetu
    .map((v) => breakLast(v, HETU))
    .filter((v) => !(v[6] === '-' && /^\d{6}-\d{4}$/.test(v) && personnummerOk(v.replace('-', '')))),
  beNationalNumber: fc.oneof(
    beNumber.map((v) => breakLast(formatBe(v))),
    beNumber.map((v) => `order ${v}`),
  ),
  atSvnr: fc.oneof(
    svnr.map((v) => `${v.slice(0, 3)}${(Number(v[3]) + 1) % 10} ${v.slice(4)}`),
    svnr.map((v) => `at ${v}`),
  ),
  iePps: fc.oneof(
    pps.map((v) => `PPS ${v.slice(0, 7)}${PPS_CHECK[(PPS_CHECK.indexOf(v[7]!) + 1) % 23]}`),
    pps.map((v) => `sku ${v}`),
  ),
  ukNino: fc.oneof(
    nino.map((v) => `ref ${v}`),
    fc.constantFrom('NINO GB123456A', 'NINO QQ123456E', 'NINO DA123456A'),
  ),
  ukNhs: fc.oneof(
    nhs.map((v) => `NHS ${breakLast(v)}`),
    nhs.map((v) => `took ${v}`),
  ),
  caSin: fc.oneof(
    sin.map((v) => `SIN ${breakLast(v)}`),
    sin.map((v) => `order ${v}`),
  ),
  usItin: fc
    .tuple(digits(2), fc.constantFrom(69, 89, 93, 10, 0), digits(4))
    .map(([a, g, s]) => `9${a}-${pad(g, 2)}-${s}`),
  imei: fc.oneof(
    imeiValue.map((v) => `IMEI ${breakLast(v)}`),
    imeiValue.map((v) => `order ${v}`),
  ),
  btcAddress: btc.map((v) => breakLast(v, v.startsWith('bc1') ? CHARSET : B58)),
  ethAddress: fc.tuple(chars(HEX, 40).filter((h) => /[a-f].*[a-f]/.test(h))).map(([hex]) => {
    const hash = Buffer.from(keccak256(new TextEncoder().encode(hex))).toString('hex');
    const good = [...hex].map((c, i) => (Number.parseInt(hash[i]!, 16) >= 8 ? c.toUpperCase() : c));
    // Flip the case of one letter so the mixed-case checksum fails; keep the address mixed-case.
    const letters = good.map((c, i) => (/[a-fA-F]/.test(c) ? i : -1)).filter((i) => i >= 0);
    const i = letters[0]!;
    good[i] = good[i] === good[i]!.toUpperCase() ? good[i]!.toLowerCase() : good[i]!.toUpperCase();
    const s = good.join('');
    return /[a-f]/.test(s) && /[A-F]/.test(s) ? `0x${s}` : '0xnot-an-address';
  }),
  githubToken: githubClassic.map((v) => breakLast(v, BASE62)),
  githubFineGrainedToken: chars(BASE62, 21).map((a) => `github_pat_${a}`),
  npmToken: npm.map((v) => breakLast(v, BASE62)),
  slackToken: fc.constantFrom('xoxb-not-a-token', 'xoxp-', 'see xoxb-*** in vault', 'xapp-later'),
  slackWebhook: fc.constantFrom('https://hooks.slack.com/', 'hooks.slack.com/services/'),
  stripeKey: chars(BASE62, 24).map((s) => `pk_live_${s}`),
  googleApiKey: chars(BASE62, 30).map((s) => `AIza${s}`),
  openaiKey: fc.constantFrom(
    'sk-not-a-key-at-all-here',
    'task-queue-worker-2-abcdefghij',
    'sk-proj-build-pipeline-config-name',
  ),
  anthropicKey: fc.constantFrom('sk-ant-api03-short', 'sk-ant-xyz'),
  azureStorageKey: fc.constantFrom(
    'AccountName=devstore;AccountKey=changeme',
    'AccountKey=;EndpointSuffix=core.windows.net',
  ),
  azureSas: fc.constantFrom('?sig=abc&sv=2022', '&sig=short'),
  // Keywords outside an assignment. (Low-entropy values under a sensitive key belong to the free-text
  // assignment rule, which masks them whatever they hold.)
  genericSecret: fc.oneof(
    fc.constantFrom(
      'rotate the api key every 90 days',
      'secret scanning found 0 results',
      'token refresh scheduled in 3600 s',
    ),
    chars(DIGITS, 2, 6).map((d) => `tokens used ${d}`),
  ),
  connectionStringPassword: fc.constantFrom(
    'Server=db;Password=;Database=x',
    'Pwd is required',
    'password policy: 12 characters',
  ),
};
