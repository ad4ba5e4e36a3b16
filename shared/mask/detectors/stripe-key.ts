import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/** Stripe secret and restricted keys, live or test: `sk_live_…`, `rk_test_…` (publishable `pk_` keys are public). */
export const stripeKey: Detector = {
  name: 'stripeKey',
  minLength: 18,
  pattern: /(?:^|[^0-9A-Za-z_])((?:sk|rk)_(?:live|test)_[0-9A-Za-z]{10,247})(?![0-9A-Za-z_])/g,
  worthScanning: (text) => text.includes('k_live_') || text.includes('k_test_'),
  validate: tailGroup,
  partial: (value) => `<stripeKey:${value.slice(0, 8)}…>`,
};
