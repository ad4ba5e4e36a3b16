import type { ScanContext } from '../detector.ts';

/**
 * How far before a value its context keyword may sit. CloudWatch Logs data protection uses 30 characters; 48 also
 * covers JSON's `"national_insurance_number": "` (31) and a label such as `NHS no. (patient):`.
 */
export const KEYWORD_WINDOW = 48;

/**
 * A keyword rule: a case-insensitive regex whose multi-word keywords are written with `[\s_.-]?` between words
 * (references match keywords with spaces removed or replaced by `_`/`-`). Also tested against the field name.
 */
export function keywordNear(keywords: RegExp, text: string, start: number, context?: ScanContext): boolean {
  if (context?.key !== undefined && keywords.test(context.key)) return true;
  return keywords.test(text.slice(Math.max(0, start - KEYWORD_WINDOW), start));
}

/** Pre-filter: the keyword occurs anywhere in the text or in the field name. */
export function keywordAnywhere(keywords: RegExp, text: string, context?: ScanContext): boolean {
  return keywords.test(text) || (context?.key !== undefined && keywords.test(context.key));
}
