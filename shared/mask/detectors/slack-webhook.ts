import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/**
 * Slack incoming webhooks and workflow triggers: `hooks.slack.com/services/T…/B…/<secret>`. The path is the
 * credential; scheme and host stay so an operator still sees where the call went.
 */
export const slackWebhook: Detector = {
  name: 'slackWebhook',
  minLength: 40,
  pattern: /hooks\.slack\.com\/((?:services|workflows|triggers)\/[A-Za-z0-9_/+-]{20,})/g,
  worthScanning: (text) => text.includes('hooks.slack.com/'),
  validate: tailGroup,
};
