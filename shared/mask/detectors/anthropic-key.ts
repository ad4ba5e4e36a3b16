import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/** Anthropic API and admin keys: `sk-ant-api03-` / `sk-ant-admin01-` + 93 characters + `AA`. */
export const anthropicKey: Detector = {
  name: 'anthropicKey',
  minLength: 108,
  pattern: /(?:^|[^0-9A-Za-z_-])(sk-ant-(?:api|admin)\d{2}-[0-9A-Za-z_-]{93}AA)(?![0-9A-Za-z_-])/g,
  worthScanning: (text) => text.includes('sk-ant-'),
  validate: tailGroup,
};
