import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load.ts';
import { createPipeline } from '../../../shared/pipeline/pipeline.ts';
import { makeRecords } from '../../helpers/records.ts';

const RAW = [
  'jane.doe@example.com',
  'sam@example.net',
  '4111 1111 1111 1111',
  '4111111111111111',
  '5555-5555-5555-4444',
];

describe('aggregates of records that went through the pipeline', () => {
  for (const mode of ['placeholder', 'hmac', 'partial'] as const) {
    it(`hold no raw email or card number (mask mode ${mode})`, () => {
      const rules = parseConfig(
        {
          version: 1,
          regions: { eu: { awsRegion: 'eu-west-1' } },
          defaults: {
            pipeline: {
              mask: { mode, ...(mode === 'hmac' ? { hmacKey: { env: 'K' } } : {}) },
              aggregate: { groupBy: ['attributes.user'], stats: ['attributes.card'] },
            },
          },
          tenants: [{ id: 'acme', homeRegion: 'eu', keys: [{ id: 'k', sha256: 'a'.repeat(64) }] }],
        },
        'test',
      ).tenants[0]!.pipeline;
      const records = makeRecords(40, (i) => ({
        message: `order ${i} paid by ${RAW[i % 2]} with card ${RAW[2 + (i % 3)]}`,
        attributes: { user: RAW[i % 2], card: RAW[3] },
      }));
      const result = createPipeline(rules, { hmacKey: new TextEncoder().encode('test-key') }).run(records);
      const text = JSON.stringify({
        counts: [...result.aggregates.counts.entries()],
        patterns: [...result.aggregates.patterns.entries()],
      });
      for (const raw of [...RAW, 'jane.doe', '411111', '5555-5555']) expect(text).not.toContain(raw);
      expect([...result.aggregates.patterns.values()].reduce((n, p) => n + p.count, 0)).toBe(40);
    });
  }
});
