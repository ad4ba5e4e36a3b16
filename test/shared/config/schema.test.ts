import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config/errors.ts';
import { parseConfig } from '../../../shared/config/load.ts';

/** Cross-field rules: each of these configs used to pass validation and fail only once deployed or running. */

const KEY_A = 'a'.repeat(64);
const minimal = () => ({
  version: 1,
  regions: { eu: { awsRegion: 'eu-west-1' } } as Record<string, unknown>,
  defaults: {} as Record<string, unknown>,
  tenants: [
    {
      id: 'acme',
      homeRegion: 'eu',
      keys: [{ id: 'k1', sha256: KEY_A }] as unknown[],
    } as Record<string, unknown>,
  ],
});

function problems(doc: unknown): readonly string[] {
  try {
    parseConfig(doc, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('mask mode hmac needs mask.hmacKey', () => {
  it('globally, at defaults.pipeline.mask.hmacKey', () => {
    const doc = minimal();
    doc.defaults = { pipeline: { mask: { mode: 'hmac' } } };
    const all = problems(doc);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatch(
      /^defaults\.pipeline\.mask\.hmacKey: is required: mode hmac is used by email, ipv4, ipv6 and \d+ more$/,
    );
  });

  it('for one detector, naming it', () => {
    const doc = minimal();
    doc.defaults = { pipeline: { mask: { detectors: { email: { mode: 'hmac' } } } } };
    expect(problems(doc)).toEqual([
      'defaults.pipeline.mask.hmacKey: is required: mode hmac is used by email',
    ]);
  });

  it('in a tenant override, at tenants.N.pipeline.mask.hmacKey', () => {
    const doc = minimal();
    doc.tenants.push({ id: 'globex', homeRegion: 'eu', keys: [{ id: 'k', sha256: 'b'.repeat(64) }] });
    doc.tenants[1]!.pipeline = { mask: { detectors: { phone: { mode: 'hmac' } } } };
    expect(problems(doc)).toEqual([
      'tenants.1.pipeline.mask.hmacKey: is required: mode hmac is used by phone',
    ]);
  });

  it('passes with a key (own or inherited), and when the hmac detector is disabled', () => {
    const withKey = minimal();
    withKey.defaults = { pipeline: { mask: { mode: 'hmac', hmacKey: { env: 'K' } } } };
    withKey.tenants[0]!.pipeline = { mask: { detectors: { email: { mode: 'hmac' } } } };
    expect(problems(withKey)).toEqual([]);
    const disabled = minimal();
    disabled.defaults = {
      pipeline: { mask: { detectors: { email: { mode: 'hmac', enabled: false }, ipv4: false } } },
    };
    expect(problems(disabled)).toEqual([]);
  });

  it('a tenant cannot switch the default key off while inheriting hmac mode', () => {
    const doc = minimal();
    doc.defaults = { pipeline: { mask: { mode: 'hmac', hmacKey: { env: 'K' } } } };
    // A tenant pipeline of {mask: {mode: placeholder}} is fine; only hmac without any key is not.
    doc.tenants[0]!.pipeline = { mask: { mode: 'placeholder' } };
    expect(problems(doc)).toEqual([]);
  });
});

describe('other cross-field rules', () => {
  it('infrequent access must start before expiry', () => {
    const doc = minimal();
    doc.regions = {
      eu: { awsRegion: 'eu-west-1', bucket: { expireDays: 30, infrequentAccessAfterDays: 30 } },
    };
    expect(problems(doc)).toEqual([
      'regions.eu.bucket.infrequentAccessAfterDays: must be less than expireDays (30): objects expire before they would move',
    ]);
    doc.regions = {
      eu: { awsRegion: 'eu-west-1', bucket: { expireDays: 31, infrequentAccessAfterDays: 30 } },
    };
    expect(problems(doc)).toEqual([]);
  });

  it('a bucket name over 63 characters (with a 12-digit account) names the region', () => {
    const doc = minimal() as ReturnType<typeof minimal> & { project?: string };
    // 'p'*31 + '-' + 'r'*8 + '-' + 12 + '-ap-southeast-2' (15) = 68
    doc.project = `p${'x'.repeat(30)}`;
    doc.regions = { rrrrrrrr: { awsRegion: 'ap-southeast-2' } };
    doc.tenants[0]!.homeRegion = 'rrrrrrrr';
    expect(problems(doc)).toEqual([
      'regions.rrrrrrrr: gives a bucket name of 68 characters (S3 allows 63): shorten project or the region name',
    ]);
    doc.regions = { rrr: { awsRegion: 'ap-southeast-2' } };
    doc.tenants[0]!.homeRegion = 'rrr';
    expect(problems(doc)).toEqual([]); // 63 exactly
  });

  it('the same ingestion key hash twice (any tenants) is refused at the second', () => {
    const doc = minimal();
    doc.tenants.push({ id: 'globex', homeRegion: 'eu', keys: [{ id: 'k2', sha256: KEY_A }] });
    expect(problems(doc)).toEqual([
      'tenants.1.keys.0.sha256: is the same key as acme/k1: every ingestion key must be unique',
    ]);
  });

  it('a custom domain certificate of another AWS region', () => {
    const doc = minimal();
    doc.regions = {
      eu: {
        awsRegion: 'eu-west-1',
        ingest: {
          customDomain: {
            domainName: 'logs.example.com',
            certificateArn: 'arn:aws:acm:us-east-1:1:certificate/x',
          },
        },
      },
    };
    expect(problems(doc)).toEqual([
      'regions.eu.ingest.customDomain.certificateArn: must be a certificate of eu-west-1 (regional endpoint), not of us-east-1',
    ]);
  });

  it('marks example keys with example: true only (not a free-form flag)', () => {
    const doc = minimal();
    doc.tenants[0]!.keys = [{ id: 'k1', sha256: KEY_A, example: false }];
    expect(problems(doc)[0]).toMatch(/^tenants\.0\.keys\.0/);
    doc.tenants[0]!.keys = [{ id: 'k1', sha256: KEY_A, example: true }];
    expect(problems(doc)).toEqual([]);
  });
});
