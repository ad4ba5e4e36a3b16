import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/** Google API keys: `AIza` + 35 characters of `[0-9A-Za-z_-]` (39 in all, prefix and exact length). */
export const googleApiKey: Detector = {
  name: 'googleApiKey',
  minLength: 39,
  pattern: /(?:^|[^0-9A-Za-z_-])(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
  worthScanning: (text) => text.includes('AIza'),
  validate: tailGroup,
};
