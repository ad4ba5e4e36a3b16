import type { Detector } from '../detector.ts';
import { capture, WORD_LEFT, WORD_RIGHT } from './bounds.ts';
import { keywordAnywhere, keywordNear } from './keyword.ts';

const KEYWORDS =
  /national[\s_.-]?insurance|(?<![a-z])nino(?![a-z])|(?<![a-z])ni[\s_.-]?(?:no|num|number|nr)(?![a-z])|(?<![a-z])nin(?![a-z])/i;
/** Prefixes never allocated (https://www.gov.uk/hmrc-internal-manuals/national-insurance-manual/nim39110). */
const BAD_PREFIX = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

/**
 * UK National Insurance number: two letters (first not D F I Q U V, second not D F I O Q U V), six digits, suffix
 * A–D, compact or `AB 12 34 56 C`. There is no checksum, so a keyword is required (`National Insurance`,
 * `NINO`, `NI number`).
 */
export const ukNino: Detector = {
  name: 'ukNino',
  minLength: 9,
  pattern: new RegExp(
    `${WORD_LEFT}([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D])${WORD_RIGHT}`,
    'g',
  ),
  worthScanning: (text, _probe, context) => keywordAnywhere(KEYWORDS, text, context),
  validate(m, text, context) {
    const { value, hit } = capture(m);
    if (BAD_PREFIX.has(value.slice(0, 2))) return undefined;
    return keywordNear(KEYWORDS, text, hit.start, context) ? hit : undefined;
  },
  canonical: (value) => value.replace(/ /g, ''),
};
