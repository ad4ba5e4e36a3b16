import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceFunction } from '../../infra/constructs/sluice-function.ts';
import { EXAMPLE_CONFIG, REPO_ROOT } from '../helpers/infra.ts';

// Bundles one real handler with esbuild (no Docker), the way `cdk synth` does, and loads the result.
let outdir: string;
let assetDir: string;
beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'sluice-bundle-'));
  const app = new App({ outdir });
  const stack = new Stack(app, 'BundleTest', { env: { region: 'eu-west-1' } });
  new SluiceFunction(stack, 'Redrive', {
    name: 'redrive',
    functionsDir: resolve(REPO_ROOT, 'functions'),
    configPath: EXAMPLE_CONFIG,
    region: 'eu',
    environment: { STREAM_NAME: 's', BUCKET_NAME: 'b', TABLE_NAME: 't', FAILURE_QUEUE_URL: 'https://q' },
    memoryMb: 512,
    timeout: Duration.seconds(30),
    description: 'bundle test',
  });
  app.synth();
  const asset = readdirSync(outdir).find((f) => f.startsWith('asset.'));
  if (!asset) throw new Error('no asset folder in the cloud assembly');
  assetDir = join(outdir, asset);
}, 120_000);

afterAll(() => {
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

describe('function bundle', () => {
  it('holds a minified ESM handler, its source map and the config as sluice.yaml', () => {
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map', 'sluice.yaml']);
    expect(readFileSync(join(assetDir, 'sluice.yaml'), 'utf8')).toBe(readFileSync(EXAMPLE_CONFIG, 'utf8'));
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire as __sluiceCreateRequire } from 'node:module';")).toBe(
      true,
    );
    expect(code).toMatch(/sourceMappingURL=index\.mjs\.map/);
    // Bundles stay small (the issue asks for it; Lambda's own limit is 50 MB zipped) and minified: long lines.
    expect(statSync(join(assetDir, 'index.mjs')).size).toBeLessThan(3 * 1024 * 1024);
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it('loads as an ES module and exports handler', () => {
    const res = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('./index.mjs'); console.log(typeof m.handler);"],
      {
        cwd: assetDir,
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          PATH: process.env['PATH'] ?? '',
          SLUICE_CONFIG_PATH: join(assetDir, 'sluice.yaml'),
          SLUICE_REGION: 'eu',
          STREAM_NAME: 's',
          BUCKET_NAME: 'b',
          FAILURE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q',
          AWS_REGION: 'eu-west-1',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
      },
    );
    expect(res.stderr).toBe('');
    expect(res.stdout.trim()).toBe('function');
  });
});
