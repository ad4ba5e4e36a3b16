import { MASKED_TOKEN } from '../../shared/mask/placeholder.ts';

/** A masked value in an output line: `[start, end)` in UTF-16 units, and what replaced it. */
export interface MaskedSpan {
  start: number;
  end: number;
  /** Detector name (`email`, `card`, …) or `redacted` (key-name rule, allow-list, depth). */
  detector: string;
}

/**
 * The masked values of a serialized line. Every replacement the masker writes is a token (`<email>`,
 * `<email:1a2b…>`, `<card:…1111>`, `<redacted>`), so the spans are found in the output itself, for any mode.
 */
export function maskedSpans(line: string): MaskedSpan[] {
  const spans: MaskedSpan[] = [];
  for (const m of line.matchAll(new RegExp(MASKED_TOKEN.source, 'g'))) {
    const name = /^<([A-Za-z0-9]+)/.exec(m[0])?.[1] ?? 'redacted';
    spans.push({ start: m.index, end: m.index + m[0].length, detector: name });
  }
  return spans;
}
