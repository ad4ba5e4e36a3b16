import type { MaskConfig } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';
import { setOwn } from '../record/set-own.ts';
import { ALLOWED, type AllowTree, allowChild, buildAllowTree } from './allow-list.ts';
import { createAssignmentMasker } from './assignments.ts';
import { MaskKeyMissingError } from './errors.ts';
import { REDACTED } from './placeholder.ts';
import { createPseudonymizer } from './pseudonym.ts';
import { DETECTORS } from './registry.ts';
import { createSensitiveKeyTest, DEFAULT_SENSITIVE_KEYS } from './sensitive-keys.ts';
import { type ActiveDetector, compileTextMasker } from './text-masker.ts';

/**
 * Counts of masked values by detector name, `sensitiveKey` (key-name rule), `allowList` (field not listed) or
 * `depth` (a subtree nested deeper than {@link MAX_DEPTH}, masked whole).
 */
export type MaskAudit = Record<string, number>;

export interface MaskKeys {
  /** Tenant's HMAC-SHA256 key for pseudonyms; required when a detector uses mode `hmac`. */
  hmacKey?: Uint8Array;
}

export interface Masker {
  /** Returns a masked copy; the input is not modified. Unchanged parts (or the record itself) may be shared. */
  maskRecord(record: LogRecord, audit: MaskAudit): LogRecord;
  maskText(text: string, audit: MaskAudit): string;
}

/**
 * Attributes nested deeper than this are masked whole: recursion stays bounded (a hostile record cannot
 * overflow the stack and poison its batch) and nothing below is left unscanned.
 */
export const MAX_DEPTH = 64;

/** The enabled detectors in priority order, each with its effective mode. */
export function activeDetectors(config: MaskConfig): ActiveDetector[] {
  const active: ActiveDetector[] = [];
  for (const detector of DETECTORS) {
    const setting = config.detectors[detector.name];
    if (setting === false || (typeof setting === 'object' && setting.enabled === false)) continue;
    const mode = (typeof setting === 'object' ? setting.mode : undefined) ?? config.mode;
    active.push({ detector, mode });
  }
  return active;
}

/**
 * A copy of `obj` with keys renamed, in the original order. Two keys masked to the same placeholder (two e-mails
 * → `<email>`) stay apart as `<email>`, `<email>#2`, …, never overwriting each other or an unmasked key.
 */
function renameKeys(
  obj: Record<string, unknown>,
  renamed: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const taken = new Set<string>();
  for (const k in obj) if (!renamed.has(k)) taken.add(k);
  for (const k in obj) {
    let name = renamed.get(k) ?? k;
    if (renamed.has(k)) {
      const base = name;
      for (let i = 2; taken.has(name); i++) name = `${base}#${i}`;
      taken.add(name);
    }
    setOwn(out, name, obj[k]);
  }
  return out;
}

const count = (audit: MaskAudit, name: string): void => {
  audit[name] = (audit[name] ?? 0) + 1;
};

/** Numbers below this have fewer than 9 digits: no detector value is that short (BSN, SSN, SIN have 9). */
const MIN_NUMBER = 100_000_000;
/** Field names that hold the name, and the value, of a name/value pair (`{"name":"DB_PASSWORD","value":"…"}`). */
const PAIR_NAMES = ['name', 'Name', 'key', 'Key'] as const;
const PAIR_VALUES = ['value', 'Value'] as const;
/** Renamed keys per masker (keys repeat across records); dropped when full. */
const KEY_CACHE_LIMIT = 10_000;

/** The sensitive name of a name/value pair object, if it is one and its name is sensitive; else `undefined`. */
function pairValueKey(obj: Record<string, unknown>, sensitive: (key: string) => boolean): string | undefined {
  let valueKey: string | undefined;
  for (const v of PAIR_VALUES) if (Object.hasOwn(obj, v)) valueKey = v;
  if (valueKey === undefined) return undefined;
  for (const n of PAIR_NAMES) {
    const name = obj[n];
    if (typeof name === 'string' && sensitive(name)) return valueKey;
  }
  return undefined;
}

/**
 * The mask stage. Every string of the record (message, service, attribute values at any depth, inside arrays)
 * goes through the enabled detectors; values under sensitive key names are replaced whole; with policy
 * `allowList` every field not listed is replaced whole. Where identifiers hide (docs/masking.md): numbers of 9+
 * digits are checked as their decimal text (a card sent as a JSON number becomes the placeholder string); keys are
 * scanned too (a map keyed by e-mail), a masked key renamed to its placeholder with `#2`, `#3`… when two collide;
 * the `value` of a `{name|key, value}` pair with a sensitive name is replaced whole; `password=…` assignments
 * inside text follow the key-name rule. Compiles everything once.
 *
 * @throws MaskKeyMissingError when a detector uses mode `hmac` and `keys.hmacKey` is absent or empty.
 */
export function createMasker(config: MaskConfig, keys: MaskKeys = {}): Masker {
  const active = activeDetectors(config);
  const key = keys.hmacKey && keys.hmacKey.length > 0 ? keys.hmacKey : undefined;
  const needsKey = active.find((a) => a.mode === 'hmac');
  if (needsKey && !key) throw new MaskKeyMissingError(needsKey.detector.name);
  const detect = compileTextMasker(active, key ? createPseudonymizer(key) : undefined);
  const sensitive = createSensitiveKeyTest(config.sensitiveKeys);
  const defaults: readonly string[] = DEFAULT_SENSITIVE_KEYS;
  const custom = config.sensitiveKeys.some((k) => !defaults.includes(k));
  const assignments = createAssignmentMasker(sensitive, custom);
  const maskText = (text: string, audit: MaskAudit, fieldKey?: string): string =>
    assignments(detect(text, audit, fieldKey === undefined ? undefined : { key: fieldKey }), audit);
  const keyCache = new Map<string, string>();
  /** A key scanned like any text; only keys that hold nothing are cached, so the audit stays exact. */
  const maskKey = (k: string, audit: MaskAudit): string => {
    if (k.length < 3 || keyCache.has(k)) return k;
    const masked = detect(k, audit);
    if (masked === k) {
      if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
      keyCache.set(k, k);
    }
    return masked;
  };
  // Closure copies of imported bindings: the walk reads them per value, and under tsx an import is a getter call.
  const allowed: typeof ALLOWED = ALLOWED;
  const redacted = REDACTED;
  const child = allowChild;
  const root: AllowTree = config.policy === 'allowList' ? buildAllowTree(config.allowList) : allowed;

  const walk = (
    value: unknown,
    tree: AllowTree,
    audit: MaskAudit,
    depth: number,
    field?: string,
  ): unknown => {
    if (typeof value === 'string') {
      if (tree === allowed) return value.length < 3 ? value : maskText(value, audit, field);
      count(audit, 'allowList');
      return redacted;
    }
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object') {
      if (tree !== allowed) {
        count(audit, 'allowList');
        return redacted;
      }
      if (
        (typeof value === 'number' && (value >= MIN_NUMBER || value <= -MIN_NUMBER)) ||
        typeof value === 'bigint'
      ) {
        // Integers print as their digits (a double such as 4.111111111111111e15 too, up to 1e21).
        const digits = String(value);
        const masked = detect(digits, audit, field === undefined ? undefined : { key: field });
        return masked === digits ? value : masked;
      }
      return value;
    }
    if (depth >= MAX_DEPTH) {
      count(audit, 'depth');
      return redacted;
    }
    if (Array.isArray(value)) {
      let out: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        const masked = walk(v, tree, audit, depth + 1);
        if (masked !== v) {
          out ??= value.slice();
          out[i] = masked;
        }
      }
      return out ?? value;
    }
    const obj = value as Record<string, unknown>;
    let out: Record<string, unknown> | undefined;
    let renamed: Map<string, string> | undefined;
    const pairValue = pairValueKey(obj, sensitive);
    // for-in visits a JSON object's own keys (Object.prototype has no enumerable ones) without a key array.
    for (const k in obj) {
      const v = obj[k];
      let masked: unknown;
      if (v !== null && v !== undefined && (sensitive(k) || k === pairValue)) {
        count(audit, 'sensitiveKey');
        masked = redacted;
      } else masked = walk(v, tree === allowed ? allowed : child(tree, k), audit, depth + 1, k);
      const newKey = maskKey(k, audit);
      if (newKey !== k) {
        renamed ??= new Map();
        renamed.set(k, newKey);
      }
      if (masked !== v) {
        out ??= { ...obj };
        setOwn(out, k, masked);
      }
    }
    if (renamed !== undefined) return renameKeys(out ?? obj, renamed);
    return out ?? obj;
  };

  return {
    maskText,
    maskRecord(record, audit) {
      const message = walk(record.message, child(root, 'message'), audit, 0) as string;
      const service = walk(record.service, child(root, 'service'), audit, 0) as string;
      const attributes = walk(record.attributes, child(root, 'attributes'), audit, 0) as Record<
        string,
        unknown
      >;
      if (message === record.message && service === record.service && attributes === record.attributes) {
        return record;
      }
      return { ...record, message, service, attributes };
    },
  };
}
