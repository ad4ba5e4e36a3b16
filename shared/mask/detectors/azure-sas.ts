import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/**
 * Azure shared access signatures: the `sig=` parameter of a SAS URL or token, an HMAC-SHA256 in base64 (44
 * characters with its `=`), usually URL-encoded (`%2B`, `%2F`, `%3D`). Only the signature is masked; the other
 * parameters (`sv`, `se`, `sp`) say what it granted and stay.
 */
export const azureSas: Detector = {
  name: 'azureSas',
  minLength: 48,
  pattern: /[?&;]sig=((?:[A-Za-z0-9+/]|%2[BbFf]){43}(?:=|%3[Dd]))(?![A-Za-z0-9%])/g,
  worthScanning: (text) => text.includes('sig='),
  validate: tailGroup,
};
