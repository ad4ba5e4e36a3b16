import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the real bin, as `npx sluice` does after `npm ci`. */
function sluice(args: string[], input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ['bin/sluice.mjs', ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sluice process', () => {
  it('masks the card, the e-mail and the password of the README example', () => {
    const input =
      '{"message":"card 4111 1111 1111 1111 from bob@example.com","user":{"password":"hunter2"}}\n';
    const { code, stdout, stderr } = sluice(['process'], input);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(stdout).not.toMatch(/4111|1111 1111|bob@example\.com|hunter2/);
    const record = JSON.parse(lines[0]!);
    expect(record.message).toContain('card');
    expect(record.attributes.user).toHaveProperty('password');
    expect(stderr).toMatch(/records in 1, out 1/);
    expect(stderr).toMatch(/masked by detector: .*card/);
    expect(stderr).toMatch(/email/);
  });

  it('keeps input order, drops by the configured rules and reports reasons', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const config = join(dir, 'sluice.yaml');
    writeFileSync(
      config,
      [
        'version: 1',
        'regions: { eu: { awsRegion: eu-west-1 } }',
        'defaults:',
        '  pipeline:',
        '    filter:',
        '      minLevel: info',
        '      drop: [{ name: health, when: [{ field: attributes.path, equals: /health }] }]',
        'tenants:',
        `  - { id: acme, homeRegion: eu, keys: [{ id: k, sha256: ${'a'.repeat(64)} }] }`,
      ].join('\n'),
    );
    const input = [
      '{"level":"info","message":"first"}',
      '{"level":"debug","message":"noise"}',
      'plain text line second',
      '{"level":"info","message":"probe","path":"/health"}',
      '{"level":"error","message":"third"}',
    ].join('\n');
    const { code, stdout, stderr } = sluice(['process', '--config', config, '--tenant', 'acme'], input);
    expect(code).toBe(0);
    const messages = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).message);
    expect(messages).toEqual(['first', 'plain text line second', 'third']);
    expect(stderr).toMatch(/records in 5, out 3/);
    expect(stderr).toMatch(/dropped by reason: .*health 1/);
    expect(stderr).toMatch(/level 1/);
  });

  it('reads --input files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const file = join(dir, 'in.ndjson');
    writeFileSync(file, '{"message":"a"}\n{"message":"b"}\n');
    const { code, stdout } = sluice(['process', '--input', file]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(2);
  });

  it('an unknown tenant is a usage error, not a crash', () => {
    const { code, stderr } = sluice(['process', '--config', 'config/example.yaml', '--tenant', 'nobody'], '');
    expect(code).toBe(2);
    expect(stderr).toMatch(/unknown tenant "nobody" \(config has: acme, globex\)/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('sluice validate', () => {
  it('accepts the example and lists regions and tenants', () => {
    const { code, stdout } = sluice(['validate', '--config', 'config/example.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/regions: eu \(eu-west-1\), us \(us-east-1\)/);
    expect(stdout).toMatch(/tenants: acme@eu, globex@us/);
  });

  it('names the bad key path and exits 1 without a stack trace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'version: 1\nregions: { eu: { awsRegion: eu-west-1, strem: {} } }\n');
    const { code, stderr } = sluice(['validate', '--config', bad]);
    expect(code).toBe(1);
    expect(stderr).toContain('regions.eu: unknown key "strem"');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('a config in hmac mode without a key exits 1 naming mask.hmacKey', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const bad = join(dir, 'hmac.yaml');
    writeFileSync(
      bad,
      [
        'version: 1',
        'regions: { eu: { awsRegion: eu-west-1 } }',
        'defaults: { pipeline: { mask: { detectors: { email: { mode: hmac } } } } }',
        `tenants: [{ id: acme, homeRegion: eu, keys: [{ id: k, sha256: ${'a'.repeat(64)} }] }]`,
      ].join('\n'),
    );
    const { code, stderr } = sluice(['validate', '--config', bad]);
    expect(code).toBe(1);
    expect(stderr).toContain('defaults.pipeline.mask.hmacKey: is required: mode hmac is used by email');
  });

  it('unknown commands and flags are usage errors', () => {
    expect(sluice(['frobnicate']).code).toBe(2);
    const r = sluice(['validate', '--nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--nope/);
  });
});

describe('typed errors', () => {
  it('print their message and exit code without a stack trace (sluice tail without a local stack)', () => {
    const { code, stderr } = sluice(['tail', '--state', '/nonexistent/local.json']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'sluice tail: no local stack found at /nonexistent/local.json: start one with `npm start`\n',
    );
  });
});

describe('sluice help', () => {
  it('lists every command with the summary the command itself declares', async () => {
    const { code, stdout } = sluice(['--help']);
    expect(code).toBe(0);
    const modules = {
      validate: (await import('../../cli/commands/validate.ts')).validateCommand,
      process: (await import('../../cli/commands/process.ts')).processCommand,
      send: (await import('../../cli/commands/send.ts')).sendCommand,
      tail: (await import('../../cli/commands/tail.ts')).tailCommand,
      query: (await import('../../cli/commands/query.ts')).queryCommand,
      redrive: (await import('../../cli/commands/redrive.ts')).redriveCommand,
    };
    for (const [name, command] of Object.entries(modules)) {
      expect(stdout).toMatch(new RegExp(`^ {2}${name} +${command.summary.replace(/[()]/g, '\\$&')}$`, 'm'));
    }
  });

  it('names an unknown command and exits 2', () => {
    const { code, stderr } = sluice(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "frobnicate"');
  });
});
