export interface ScanResult {
  /** Source text of each complete top-level value, in order. */
  values: string[];
  /** Set when scanning stopped early: `index` is the 0-based number of the value at fault. */
  error?: { index: number; reason: string };
}

/**
 * Splits concatenated JSON objects/arrays (`{…}{…}` or separated by whitespace, as Splunk HEC and Fluent Bit's
 * `json_stream` send them) without parsing them: only brackets outside strings are counted. Each slice still has
 * to go through `JSON.parse`, which reports anything malformed inside it. Nesting deeper than `maxDepth` stops the
 * scan, so no slice can later overflow a recursive consumer.
 */
export function scanJsonValues(text: string, maxDepth: number): ScanResult {
  const values: string[] = [];
  const n = text.length;
  let i = 0;
  for (;;) {
    let c = text.charCodeAt(i);
    while (i < n && (c === 32 || c === 10 || c === 13 || c === 9)) c = text.charCodeAt(++i);
    if (i >= n) return { values };
    if (c !== 123 && c !== 91)
      return { values, error: { index: values.length, reason: 'not a JSON object' } };
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < n; i++) {
      c = text.charCodeAt(i);
      if (inString) {
        if (c === 92 /* \ */) i++;
        else if (c === 34 /* " */) inString = false;
      } else if (c === 34) {
        inString = true;
      } else if (c === 123 || c === 91) {
        if (++depth > maxDepth) {
          return { values, error: { index: values.length, reason: `nested deeper than ${maxDepth} levels` } };
        }
      } else if (c === 125 || c === 93) {
        if (--depth === 0) {
          i++;
          break;
        }
      }
    }
    if (depth !== 0) return { values, error: { index: values.length, reason: 'truncated JSON' } };
    values.push(text.slice(start, i));
  }
}

/** The slices of a `json_stream` text, or undefined when it is not one. */
export function splitJsonValues(text: string, maxDepth: number): string[] | undefined {
  const r = scanJsonValues(text, maxDepth);
  return r.error ? undefined : r.values;
}
