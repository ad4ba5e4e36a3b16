import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

const HINT = /AccountKey=|SharedAccessKey=/i;

/**
 * Azure storage account keys in connection strings (`AccountKey=` + 88 base64 characters, a 64-byte key) and
 * Service Bus / Event Hubs `SharedAccessKey=` (44 characters, 32 bytes). Only the key is masked.
 */
export const azureStorageKey: Detector = {
  name: 'azureStorageKey',
  minLength: 55,
  pattern: /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{86}==|[A-Za-z0-9+/]{43}=)(?![A-Za-z0-9+/=])/gi,
  worthScanning: (text) => HINT.test(text),
  validate: tailGroup,
};
