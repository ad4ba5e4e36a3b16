import type { Detector } from '../detector.ts';
import { capture } from './bounds.ts';
import { crcTokenOk } from './crc32.ts';

/**
 * npm access tokens: `npm_` + 30 random base62 characters + their 6-character base62 CRC-32
 * (https://github.blog/2021-09-23-announcing-npms-new-access-token-format/).
 */
export const npmToken: Detector = {
  name: 'npmToken',
  minLength: 40,
  pattern: /(?:^|[^0-9A-Za-z_])(npm_[0-9A-Za-z]{36})(?![0-9A-Za-z_])/g,
  worthScanning: (text) => text.includes('npm_'),
  validate(m) {
    const { value, hit } = capture(m);
    return crcTokenOk(value.slice(4)) ? hit : undefined;
  },
};
