import type { Detector } from '../detector.ts';
import { capture } from './bounds.ts';
import { crcTokenOk } from './crc32.ts';

const PREFIX = /gh[pousr]_/;

/**
 * GitHub tokens of the 2021 format: `ghp_` (personal), `gho_` (OAuth), `ghu_` (user-to-server), `ghs_`
 * (server-to-server), `ghr_` (refresh), then 30 random base62 characters and their 6-character CRC-32.
 */
export const githubToken: Detector = {
  name: 'githubToken',
  minLength: 40,
  pattern: /(?:^|[^0-9A-Za-z_])(gh[pousr]_[0-9A-Za-z]{36})(?![0-9A-Za-z_])/g,
  worthScanning: (text) => PREFIX.test(text),
  validate(m) {
    const { value, hit } = capture(m);
    return crcTokenOk(value.slice(4)) ? hit : undefined;
  },
  partial: (value) => `<githubToken:${value.slice(0, 4)}…>`,
};
