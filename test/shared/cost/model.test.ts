import { describe, expect, it } from 'vitest';
import { loadConfig, type SluiceConfig } from '../../../shared/config/load.ts';
import { costModel, LINE_ITEMS } from '../../../shared/cost/model.ts';
import { type BenchResults, resolveRatios } from '../../../shared/cost/ratios.ts';

const example = loadConfig('config/example.yaml');
const at = (gbPerDay: number, results?: BenchResults, config: SluiceConfig = example) =>
  costModel({ config, gbPerDay, ratios: resolveRatios(results) });

/** The example config with the `us` region's processor and bucket settings changed. */
function withUs(patch: Partial<SluiceConfig['regions'][string]>): SluiceConfig {
  return { ...example, regions: { ...example.regions, us: { ...example.regions.us!, ...patch } } };
}

describe('costModel', () => {
  it('reports every line item, and a total that is their sum', () => {
    const r = at(1000);
    expect(Object.keys(r.lines).sort()).toEqual(Object.keys(LINE_ITEMS).sort());
    const sum = Object.values(r.lines).reduce((a, b) => a + b, 0);
    expect(r.total).toBeCloseTo(sum, 2);
  });

  it('prices the example at 1 TB/day from the list prices (hand-checked lines)', () => {
    const r = at(1000);
    // 1 MB shipper requests: 30 M a month at $1.00 per million.
    expect(r.lines.apiGateway).toBe(30);
    // 1.2 TB/day of uncompressed envelopes: 13.9 MB/s × 1.5 peak → 21 shards × 730 h × $0.015, plus 3 PUT units
    // per ~77 KB envelope.
    const k = r.assumptions.kinesis as { shardsPriced: number; putUnitsPerMonth: number };
    expect(k.shardsPriced).toBe(21);
    expect(r.lines.kinesis).toBeCloseTo(21 * 730 * 0.015 + (k.putUnitsPerMonth / 1e6) * 0.014, 1);
    // 90 days of 100 GB/day of gzip objects in S3 Standard.
    expect(r.lines.s3Storage).toBeCloseTo(9000 * 0.023, 2);
  });

  it('follows the config: a provisioned region is never priced below its configured shards', () => {
    const small = at(1);
    expect((small.assumptions.kinesis as { shardsPriced: number }).shardsPriced).toBe(2);
    expect(small.lines.kinesis).toBeCloseTo(2 * 730 * 0.015, 1);
  });

  it('halves the per-batch DynamoDB writes when the batching window doubles', () => {
    const five = at(1000);
    const ten = at(
      1000,
      undefined,
      withUs({ processor: { ...example.regions.us!.processor, batchingWindowSeconds: 10 } }),
    );
    const writes = (r: typeof five) =>
      (r.assumptions.dynamodb as { globalWriteUnitsPerMonth: number }).globalWriteUnitsPerMonth;
    // Not exactly half: at 10 s a shard's batch reaches Lambda's 6 MB payload cap first, and goes early.
    expect(writes(ten) / writes(five)).toBeCloseTo(0.5, 1);
    expect(ten.lines.dynamodbGlobal).toBeLessThan(five.lines.dynamodbGlobal);
  });

  it('bills every global-table write once per replica', () => {
    const two = at(1000);
    const one = at(1000, undefined, { ...example, regions: { us: example.regions.us! } });
    const units = (two.assumptions.dynamodb as { globalWriteUnitsPerMonth: number }).globalWriteUnitsPerMonth;
    expect(one.lines.dynamodbGlobal).toBeLessThan(two.lines.dynamodbGlobal / 1.9);
    expect(two.lines.dynamodbGlobal).toBeGreaterThan((units / 1e6) * 0.625 * 2);
    expect(one.lines.idleRegions).toBe(0);
  });

  it('uses the measured stream ratio: compressed envelopes need fewer shards and PUT units', () => {
    const plain = at(1000);
    const packed = at(1000, { streamBytesPerRawByte: 0.15 });
    expect(packed.lines.kinesis).toBeLessThan(plain.lines.kinesis / 3);
    const ratios = packed.assumptions.ratios as Record<string, { value: number; source: string }>;
    expect(ratios.streamBytesPerRawByte).toEqual({ value: 0.15, source: 'measured' });
    expect(ratios.processMiBps!.source).toBe('default');
  });

  it('with a roll-up, bills batches to the regional table and only windows to the global one', () => {
    const rollup = at(1000, { globalWritesPerWindow: 30 });
    const d = rollup.assumptions.dynamodb as {
      globalWriteUnitsPerHour: number;
      regionalWriteUnitsPerHour: number;
    };
    // 60 windows an hour × 30 writes.
    expect(d.globalWriteUnitsPerHour).toBe(30 * 60);
    expect(d.regionalWriteUnitsPerHour).toBeGreaterThan(d.globalWriteUnitsPerHour);
    expect(rollup.lines.dynamodbRegional).toBeGreaterThan(0);
    expect(rollup.lines.lambdaRollup).toBeGreaterThan(0);
  });

  it('refuses a region the config does not have, naming the ones it has', () => {
    expect(() =>
      costModel({ config: example, gbPerDay: 1, region: 'ap', ratios: resolveRatios(undefined) }),
    ).toThrow(/region "ap" is not under regions \(eu, us\)/);
  });
});
