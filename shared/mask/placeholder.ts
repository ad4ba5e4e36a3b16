import { DETECTOR_NAMES } from '../config/schema.ts';

/** What replaces a whole value under the key-name rule or outside the allow-list. */
export const REDACTED = '<redacted>';

/**
 * Matches every token the masker writes: `<email>`, `<email:1a2b3c4d5e6f7a8b>`, `<card:…1111>`, `<redacted>`,
 * and nothing else (`<div>` is not a token). For stages that template masked text (aggregate patterns).
 * Global: use it with `replace`/`matchAll`, or reset `lastIndex`.
 */
export const MASKED_TOKEN = new RegExp(`<(?:redacted|(?:${DETECTOR_NAMES.join('|')})(?::[^<>\\s]*)?)>`, 'g');

export const placeholder = (name: string): string => `<${name}>`;
