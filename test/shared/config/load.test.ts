import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinConfig } from '../../../shared/config/defaults.ts';
import { ConfigError } from '../../../shared/config/errors.ts';
import { deepMerge, loadConfig, parseConfig } from '../../../shared/config/load.ts';

const minimal = () => ({
  version: 1,
  regions: { eu: { awsRegion: 'eu-west-1' } },
  tenants: [{ id: 'acme', homeRegion: 'eu', keys: [{ id: 'k1', sha256: 'a'.repeat(64) }] }],
});

function problems(doc: unknown): readonly string[] {
  try {
    parseConfig(doc, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('loads the shipped example with two regions and resolved tenant rules', () => {
    const config = loadConfig('config/example.yaml');
    expect(Object.keys(config.regions)).toEqual(['eu', 'us']);
    const acme = config.tenants.find((t) => t.id === 'acme')!;
    // acme overrides minLevel but inherits the default drop rules and masking.
    expect(acme.pipeline.filter.minLevel).toBe('info');
    expect(acme.pipeline.filter.drop.map((d) => d.name)).toEqual(['health-checks', 'kube-probe']);
    expect(acme.pipeline.mask.detectors.card).toEqual({ enabled: true, mode: 'partial' });
    const globex = config.tenants.find((t) => t.id === 'globex')!;
    expect(globex.pipeline.filter.minLevel).toBe('debug');
    expect(globex.pipeline.mask.detectors.email).toEqual({ enabled: true, mode: 'placeholder' });
    // acme's own HMAC key replaces the default reference; globex keeps the default.
    expect(acme.pipeline.mask.hmacKey).toEqual({
      secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:sluice/acme-hmac',
    });
    expect(globex.pipeline.mask.hmacKey).toEqual({ ssmParameter: '/sluice/hmac-key' });
  });

  it('names the file and the problem when the file is missing or not YAML', () => {
    expect(() => loadConfig('/nonexistent/sluice.yaml')).toThrow(
      /\/nonexistent\/sluice.yaml.*\n.*cannot read the file \(ENOENT\)/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cfg-'));
    writeFileSync(join(dir, 'bad.yaml'), 'regions: [unclosed');
    expect(() => loadConfig(join(dir, 'bad.yaml'))).toThrow(/not valid YAML/);
  });

  it('fills defaults: 60 s window, every detector on in placeholder mode, nothing dropped', () => {
    const config = parseConfig(minimal(), 't');
    const rules = config.tenants[0]!.pipeline;
    expect(rules.aggregate.windowSeconds).toBe(60);
    expect(rules.mask.mode).toBe('placeholder');
    expect(rules.mask.policy).toBe('detect');
    expect(rules.filter.minLevel).toBeUndefined();
    expect(rules.filter.drop).toEqual([]);
    expect(config.regions.eu!.processor.parallelizationFactor).toBe(1);
  });

  it('the built-in defaults validate', () => {
    expect(builtinConfig().tenants[0]!.id).toBe('default');
  });
});

describe('config errors name the key path', () => {
  it('unknown keys at any depth', () => {
    const doc = minimal() as Record<string, unknown>;
    doc.defaults = { pipeline: { filter: { minLevl: 'info' } } };
    expect(problems(doc)).toEqual(['defaults.pipeline.filter: unknown key "minLevl"']);
  });

  it('unknown keys in a tenant override are reported under the tenant', () => {
    const doc = minimal();
    (doc.tenants[0] as Record<string, unknown>).pipeline = { mask: { detectorz: {} } };
    expect(problems(doc)).toEqual(['tenants.0.pipeline.mask: unknown key "detectorz"']);
  });

  it('bad values', () => {
    const doc = minimal() as Record<string, unknown>;
    doc.regions = { eu: { awsRegion: 'europe' } };
    expect(problems(doc)[0]).toMatch(/^regions\.eu\.awsRegion: must be an AWS region/);
  });

  it('a tenant whose home region is not configured', () => {
    const doc = minimal();
    doc.tenants[0]!.homeRegion = 'ap';
    expect(problems(doc)).toEqual([
      'tenants.0.homeRegion: names region "ap", which is not under regions (eu)',
    ]);
  });

  it('plaintext ingestion keys are refused', () => {
    const doc = minimal();
    (doc.tenants[0]!.keys[0] as Record<string, unknown>) = { id: 'k1', key: 'plaintext-key' };
    expect(problems(doc).join('\n')).toMatch(/^tenants\.0\.keys\.0/);
  });

  it('invalid regular expressions in filter rules', () => {
    const doc = minimal() as Record<string, unknown>;
    doc.defaults = { pipeline: { filter: { drop: [{ name: 'x', when: [{ message: '(' }] }] } } };
    expect(problems(doc).join('\n')).toMatch(/defaults\.pipeline\.filter\.drop\.0\.when\.0/);
  });

  it('parallelization other than 1 is refused (the exactly-once design needs in-order shards)', () => {
    const doc = minimal() as Record<string, unknown>;
    doc.regions = { eu: { awsRegion: 'eu-west-1', processor: { parallelizationFactor: 4 } } };
    expect(problems(doc)[0]).toMatch(/^regions\.eu\.processor\.parallelizationFactor/);
  });

  it('duplicate tenants and reused AWS regions', () => {
    const doc = minimal() as Record<string, unknown> & { tenants: unknown[] };
    doc.tenants.push({ ...minimal().tenants[0]!, keys: [{ id: 'k1', sha256: 'b'.repeat(64) }] });
    doc.regions = { eu: { awsRegion: 'eu-west-1' }, eu2: { awsRegion: 'eu-west-1' } };
    expect(problems(doc)).toEqual([
      'tenants.1.id: duplicate tenant id "acme"',
      'regions.eu2.awsRegion: eu-west-1 is used by two residency regions',
    ]);
  });
});

describe('deepMerge', () => {
  it('merges objects key by key and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] } })).toEqual({
      a: { b: 1, c: [3] },
      d: 1,
    });
  });

  it('replaces a secret reference whole, so a tenant can switch from {env} to {secretArn}', () => {
    const doc = {
      ...minimal(),
      defaults: { pipeline: { mask: { hmacKey: { env: 'SLUICE_HMAC' } } } },
      tenants: [
        {
          ...minimal().tenants[0],
          pipeline: { mask: { hmacKey: { ssmParameter: '/acme/hmac' } } },
        },
      ],
    };
    expect(parseConfig(doc, 'test.yaml').tenants[0]!.pipeline.mask.hmacKey).toEqual({
      ssmParameter: '/acme/hmac',
    });
  });

  it('names a bad KMS key on a secret reference', () => {
    const doc = {
      ...minimal(),
      defaults: { pipeline: { mask: { hmacKey: { ssmParameter: '/h', kmsKeyArn: 'alias/mine' } } } },
    };
    expect(problems(doc)).toContain(
      'defaults.pipeline.mask.hmacKey.kmsKeyArn: must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)',
    );
  });

  it('keeps a __proto__ key as data (and the strict schema names it) instead of changing prototypes', () => {
    const over = JSON.parse('{"mask": {"__proto__": {"polluted": true}}}');
    const merged = deepMerge({ mask: { mode: 'hmac' } }, over) as { mask: Record<string, unknown> };
    expect(Object.getPrototypeOf(merged.mask)).toBe(Object.prototype);
    expect(Object.keys(merged.mask)).toEqual(['mode', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
