import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/** base64 of `OpenAI`: every OpenAI secret key (legacy, project, service account, admin) carries it. */
const MARKER = 'T3BlbkFJ';

/** OpenAI API keys: `sk-…`, `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…` containing the `T3BlbkFJ` marker. */
export const openaiKey: Detector = {
  name: 'openaiKey',
  minLength: 40,
  pattern: /(?:^|[^0-9A-Za-z_-])(sk-(?:(?:proj|svcacct|admin)-)?[0-9A-Za-z_-]{20,250})(?![0-9A-Za-z_-])/g,
  worthScanning: (text) => text.includes(MARKER) && text.includes('sk-'),
  validate: (m) => (m[1]!.includes(MARKER) && !m[1]!.startsWith('sk-ant-') ? tailGroup(m) : undefined),
};
