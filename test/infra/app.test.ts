import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_CONFIG, REPO_ROOT, type SynthesizedSluice, synthesizeSluice } from '../helpers/infra.ts';

/** Runs the CDK app entry the way `cdk synth` does (tsx), returning exit code and stderr. */
function runApp(env: Record<string, string>): { status: number | null; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'infra/app.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, CDK_OUTDIR: '/nonexistent-not-reached' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: res.status, stderr: res.stderr };
}

// Each case starts a fresh tsx process that loads aws-cdk-lib: run them side by side.
describe.concurrent('infra/app.ts config errors', () => {
  it('an invalid config exits 1 naming the file and every problem, without a stack trace', () => {
    const { status, stderr } = runApp({ SLUICE_CONFIG: 'test/fixtures/infra/invalid.yaml' });
    expect(status).toBe(1);
    expect(stderr).toContain('sluice: invalid configuration in test/fixtures/infra/invalid.yaml');
    expect(stderr).toContain('regions.eu.awsRegion: must be an AWS region');
    expect(stderr).toContain('tenants.0.homeRegion');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('refuses an ingestion key hash of a well-known string unless the config marks it example: true', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-infra-'));
    const path = join(dir, 'test-key.yaml');
    writeFileSync(path, readFileSync(EXAMPLE_CONFIG, 'utf8').replace(/,\s*example: true/, ''));
    const { status, stderr } = runApp({ SLUICE_CONFIG: path });
    expect(status).toBe(1);
    expect(stderr).toContain(
      'tenants.0.keys.0.sha256 (acme/fluentbit) is the hash of the well-known key "test"',
    );
    expect(stderr).not.toContain('globex/vector');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('a missing config file exits 1 with the path', () => {
    const { status, stderr } = runApp({ SLUICE_CONFIG: 'config/does-not-exist.yaml' });
    expect(status).toBe(1);
    expect(stderr).toContain('config/does-not-exist.yaml');
    expect(stderr).toContain('ENOENT');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('the example config (what `npx cdk synth` deploys)', () => {
  let s: SynthesizedSluice;
  beforeAll(() => {
    s = synthesizeSluice(EXAMPLE_CONFIG);
  }, 120_000);

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    expect(s.nagViolations).toEqual([]);
  });

  it('keeps HMAC keys in SSM and Secrets Manager, so nothing warns about secrets', () => {
    for (const region of ['eu', 'us']) {
      const warnings = Annotations.fromStack(s.stacks.pipelines.get(region)!).findWarning(
        '*',
        Match.stringLikeRegexp('cannot be resolved in Lambda'),
      );
      expect(warnings).toEqual([]);
    }
  });

  it('warns that an {env} secret reference cannot work in Lambda, instead of putting the secret in the template', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-infra-'));
    const path = join(dir, 'env-ref.yaml');
    const example = readFileSync(EXAMPLE_CONFIG, 'utf8');
    writeFileSync(path, example.replace('{ ssmParameter: /sluice/hmac-key }', '{ env: SLUICE_HMAC_KEY }'));
    const variant = synthesizeSluice(path);
    // acme overrides the default with its own secret; globex (us) inherits the {env} default.
    Annotations.fromStack(variant.stacks.pipelines.get('us')!).hasWarning(
      '*',
      Match.stringLikeRegexp('SLUICE_HMAC_KEY.*cannot be resolved in Lambda'),
    );
    variant.pipeline('us').hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLUICE_HMAC_KEY: Match.absent() }) },
    });
  }, 120_000);

  it('names buckets after the deploy-time account when the config has none (never "local")', () => {
    for (const region of ['eu', 'us']) {
      const buckets = s.pipeline(region).findResources('AWS::S3::Bucket');
      const names = Object.values(buckets)
        .map((b) => (b as { Properties?: { BucketName?: unknown } }).Properties?.BucketName)
        .filter((n) => n !== undefined);
      expect(names).toHaveLength(1);
      const name = JSON.stringify(names[0]);
      expect(name).not.toContain('local');
      expect(name).toContain('AWS::AccountId');
      expect(name).toContain(`sluice-${region}-`);
    }
  });

  it('keeps one pipeline per residency region, with on-demand in eu and 2 shards in us', () => {
    s.pipeline('eu').hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    s.pipeline('us').hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 2 });
    s.global.hasResourceProperties('AWS::DynamoDB::GlobalTable', { TableName: 'sluice-aggregates' });
  });
});
