import { describe, expect, it } from 'vitest';
import { acceptsGzip } from '../../../shared/ingest/responses.ts';

describe('acceptsGzip', () => {
  it('accepts gzip or * with any non-zero q value, refuses q=0 in any spelling', () => {
    for (const header of [
      'gzip',
      'gzip;q=1',
      'gzip;q=1.0',
      'gzip; q=1.000',
      'gzip;q=0.5',
      'br, gzip;q=0.001',
      '*;q=1.0',
    ]) {
      expect([header, acceptsGzip(header)]).toEqual([header, true]);
    }
    for (const header of [
      undefined,
      '',
      'br',
      'identity',
      'gzip;q=0',
      'gzip;q=0.0',
      'gzip; q=0.000',
      'x-gzip',
    ]) {
      expect([header, acceptsGzip(header)]).toEqual([header, false]);
    }
  });
});
