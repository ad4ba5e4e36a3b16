import type { MaskConfig } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';
import { setOwn } from '../record/set-own.ts';
import { ALLOWED, type AllowTree, allowChild, buildAllowTree } from './allow-list.ts';
import { MaskKeyMissingError } from './errors.ts';
import { REDACTED } from './placeholder.ts';
import { createPseudonymizer } from './pseudonym.ts';
import { DETECTORS } from './registry.ts';
import { createSensitiveKeyTest } from './sensitive-keys.ts';
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

const count = (audit: MaskAudit, name: string): void => {
  audit[name] = (audit[name] ?? 0) + 1;
};

/**
 * The mask stage. Every string of the record (message, service, attribute values at any depth, inside arrays)
 * goes through the enabled detectors; values under sensitive key names are replaced whole; with policy
 * `allowList` every field not listed is replaced whole. Keys are never masked. Compiles everything once.
 *
 * @throws MaskKeyMissingError when a detector uses mode `hmac` and `keys.hmacKey` is absent or empty.
 */
export function createMasker(config: MaskConfig, keys: MaskKeys = {}): Masker {
  const active = activeDetectors(config);
  const key = keys.hmacKey && keys.hmacKey.length > 0 ? keys.hmacKey : undefined;
  const needsKey = active.find((a) => a.mode === 'hmac');
  if (needsKey && !key) throw new MaskKeyMissingError(needsKey.detector.name);
  const maskText = compileTextMasker(active, key ? createPseudonymizer(key) : undefined);
  const sensitive = createSensitiveKeyTest(config.sensitiveKeys);
  // Closure copies of imported bindings: the walk reads them per value, and under tsx an import is a getter call.
  const allowed: typeof ALLOWED = ALLOWED;
  const redacted = REDACTED;
  const child = allowChild;
  const root: AllowTree = config.policy === 'allowList' ? buildAllowTree(config.allowList) : allowed;

  const walk = (value: unknown, tree: AllowTree, audit: MaskAudit, depth: number): unknown => {
    if (typeof value === 'string') {
      if (tree === allowed) return value.length < 3 ? value : maskText(value, audit);
      count(audit, 'allowList');
      return redacted;
    }
    if (value === null || value === undefined) return value;
    if (typeof value !== 'object') {
      if (tree === allowed) return value;
      count(audit, 'allowList');
      return redacted;
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
    // for-in visits a JSON object's own keys (Object.prototype has no enumerable ones) without a key array.
    for (const k in obj) {
      const v = obj[k];
      let masked: unknown;
      if (v !== null && v !== undefined && sensitive(k)) {
        count(audit, 'sensitiveKey');
        masked = redacted;
      } else masked = walk(v, tree === allowed ? allowed : child(tree, k), audit, depth + 1);
      if (masked !== v) {
        out ??= { ...obj };
        setOwn(out, k, masked);
      }
    }
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
