import type { Detector } from '../detector.ts';
import { capture } from './bounds.ts';

/**
 * Slack tokens: bot `xoxb-`, user `xoxp-`, app-level `xapp-`, workspace/refresh `xoxa-`/`xoxr-`/`xoxe-`, legacy
 * `xoxo-`/`xoxs-`; dash-separated numeric ids then a secret. At least one numeric id group and 20 characters
 * after the prefix: `xoxb-` in prose or a truncated `xoxb-…` is not a token.
 */
export const slackToken: Detector = {
  name: 'slackToken',
  minLength: 25,
  pattern:
    /(?:^|[^0-9A-Za-z.])((?:xox[abeoprs](?:\.xox[abeoprs])?|xapp)-[0-9A-Za-z-]{20,250})(?![0-9A-Za-z-])/g,
  worthScanning: (text) => text.includes('xox') || text.includes('xapp-'),
  validate(m) {
    const { value, hit } = capture(m);
    return /-\d{6,}-/.test(value) || /^xapp-\d-[A-Z0-9]{6,}-\d+-/.test(value) ? hit : undefined;
  },
  partial: (value) => `<slackToken:${value.slice(0, 5)}…>`,
};
