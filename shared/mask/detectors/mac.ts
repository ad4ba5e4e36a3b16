import type { Detector } from '../detector.ts';
import { tailGroup } from '../detector.ts';

/**
 * MAC addresses: `aa:bb:cc:dd:ee:ff`, `AA-BB-CC-DD-EE-FF` or Cisco `aabb.ccdd.eeff`. Mixed letter case is
 * rejected (real tools print one case), which spares most hex-ish identifiers. A `:` or `-` bounds the address on
 * the left after a key holding a non-hex letter (`mac:`, `hw-`); after hex it may be part of a longer sequence.
 */
export const mac: Detector = {
  name: 'mac',
  minLength: 14,
  pattern:
    /(?:^|[^0-9A-Za-z:.-]|[:-](?<=[G-Zg-z_][0-9A-Za-z_]*[:-]))((?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\2[0-9A-Fa-f]{2}){4}|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}))(?![0-9A-Za-z:-]|\.[0-9A-Za-z])/g,
  worthScanning: (_text, probe) => probe.macShape(),
  validate: (m) => (/[a-f]/.test(m[1]!) && /[A-F]/.test(m[1]!) ? undefined : tailGroup(m)),
  canonical: (value) => value.replace(/[^0-9A-Fa-f]/g, '').toLowerCase(),
  /** Keeps the vendor prefix (OUI). */
  partial(value) {
    const hex = value.replace(/[^0-9A-Fa-f]/g, '').toLowerCase();
    return `<mac:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}:…>`;
  },
};
