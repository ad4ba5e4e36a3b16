import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/** GitHub fine-grained personal access tokens: `github_pat_` + 22 base62 + `_` + 59 base62 (prefix and shape). */
export const githubFineGrainedToken: Detector = {
  name: 'githubFineGrainedToken',
  minLength: 93,
  pattern: /(?:^|[^0-9A-Za-z_])(github_pat_[0-9A-Za-z]{22}_[0-9A-Za-z]{59})(?![0-9A-Za-z_])/g,
  worthScanning: (text) => text.includes('github_pat_'),
  validate: tailGroup,
};
