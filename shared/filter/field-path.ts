import type { LogRecord } from '../record/record.ts';

/** Reads one field of a record; `undefined` when the field is absent. */
export type FieldGetter = (record: LogRecord) => unknown;

const TOP_LEVEL = new Set(['timestamp', 'tenant', 'region', 'service', 'level', 'message']);

/**
 * Compiles a dotted field path (as validated by the config schema) once into a getter.
 *
 * - `timestamp`, `tenant`, `region`, `service`, `level`, `message` read the record's own fields;
 *   `ingest.<x>` reads ingestion metadata; `attributes.<a>.<b>` walks the attributes.
 * - Any other path is read under `attributes` (`http.status` = `attributes.http.status`), since that is where
 *   every field the pipeline does not know lives.
 * - Shippers such as OTel send flat dotted keys (`{"http.status": 500}`); when a nested step is missing the
 *   getter tries the longer dotted keys at that level, so both shapes resolve.
 * - Only own properties are read: `attributes.constructor` is absent, not `Object`.
 */
export function compilePath(path: string): FieldGetter {
  const segments = path.split('.');
  const head = segments[0]!;
  if (segments.length === 1 && TOP_LEVEL.has(head)) {
    return (record) => record[head as keyof LogRecord];
  }
  if (head === 'attributes') {
    if (segments.length === 1) return (record) => record.attributes;
    const walk = compileWalk(segments.slice(1));
    return (record) => walk(record.attributes);
  }
  if (head === 'ingest') {
    if (segments.length === 1) return (record) => record.ingest;
    const walk = compileWalk(segments.slice(1));
    return (record) => walk(record.ingest);
  }
  const walk = compileWalk(segments);
  return (record) => walk(record.attributes);
}

/** Reads `segments` from `root`; falls back to flat dotted keys at the level where a nested key is missing. */
function compileWalk(segments: readonly string[]): (root: unknown) => unknown {
  const n = segments.length;
  // joined[i][j] = segments i..j joined with dots (j exclusive), for the flat-key fallback.
  const joined: string[][] = segments.map((_, i) => {
    const row: string[] = [];
    for (let j = i + 2; j <= n; j++) row[j] = segments.slice(i, j).join('.');
    return row;
  });
  // Names that also exist on Object.prototype need an own-property check; all others are read directly.
  const inherited = (key: string): boolean => key in Object.prototype;
  const risky =
    segments.some(inherited) || joined.some((row) => row.some((k) => k !== undefined && inherited(k)));
  const read = risky
    ? (obj: Record<string, unknown>, key: string) => (Object.hasOwn(obj, key) ? obj[key] : undefined)
    : (obj: Record<string, unknown>, key: string) => obj[key];

  if (n === 1) {
    const key = segments[0]!;
    return (root) =>
      typeof root === 'object' && root !== null ? read(root as Record<string, unknown>, key) : undefined;
  }
  // Depth-first: the nested key first (the common case, no extra work), then longer flat keys at this level.
  const walk = (cur: unknown, i: number): unknown => {
    if (typeof cur !== 'object' || cur === null) return undefined;
    const obj = cur as Record<string, unknown>;
    const v = read(obj, segments[i]!);
    if (v !== undefined) {
      const found = i + 1 === n ? v : walk(v, i + 1);
      if (found !== undefined) return found;
    }
    const row = joined[i]!;
    for (let j = i + 2; j <= n; j++) {
      const flat = read(obj, row[j]!);
      if (flat === undefined) continue;
      const found = j === n ? flat : walk(flat, j);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return (root) => walk(root, 0);
}

/**
 * The text of a field value for keys and comparisons: strings as they are, numbers and booleans via `String`,
 * objects and arrays as JSON; `undefined` for a missing field or `null`.
 */
export function valueText(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return value === null ? undefined : JSON.stringify(value);
    default:
      return undefined;
  }
}
