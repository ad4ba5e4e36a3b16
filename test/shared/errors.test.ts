import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretResolutionError } from '../../shared/adapters/secrets.ts';
import { ConfigError } from '../../shared/config/errors.ts';
import { SluiceError } from '../../shared/errors.ts';
import { AuthError, StreamUnavailableError } from '../../shared/ingest/errors.ts';
import { LocalStateError } from '../../shared/local/state.ts';
import { MaskKeyMissingError } from '../../shared/mask/errors.ts';
import { PoisonRecordError, WriteError } from '../../shared/process/errors.ts';

const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('SluiceError', () => {
  it('is the one base: no error class of the product extends Error directly', () => {
    const direct: string[] = [];
    // local/ (dev tooling) is left out: its errors never reach a user of a deployed pipeline or the CLI.
    for (const layer of ['shared', 'functions', 'infra', 'cli']) {
      for (const file of sources(join(ROOT, layer))) {
        const path = relative(ROOT, file);
        if (path === join('shared', 'errors.ts')) continue;
        for (const m of readFileSync(file, 'utf8').matchAll(
          /class (\w+) extends (?:Error|TypeError|RangeError)\b/g,
        )) {
          direct.push(`${path}: ${m[1]}`);
        }
      }
    }
    expect(direct).toEqual([]);
  });

  it('carries exit code, retryable flag and cause', () => {
    const cause = new Error('ThrottlingException');
    const errors: SluiceError[] = [
      new ConfigError('f.yaml', ['a: b'], { cause }),
      new PoisonRecordError('undecodable', 'bad bytes', { cause }),
      new WriteError('s3', 'PutObject failed', { retryable: true, cause }),
      new MaskKeyMissingError('email', { cause }),
      new LocalStateError('no local stack', { cause }),
      new SecretResolutionError('/p', 'Throttling', { cause, retryable: true }),
      new StreamUnavailableError('later', { cause, retryAfterSeconds: 1, throttled: true }),
      new AuthError('invalidKey', 'unknown key'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(SluiceError);
      expect(e.exitCode).toBe(1);
    }
    expect(errors.filter((e) => e.cause === cause)).toHaveLength(7);
    expect(errors.map((e) => e.retryable)).toEqual([false, false, true, false, false, true, true, false]);
    expect(new WriteError('dynamodb', 'denied', { retryable: false }).retryable).toBe(false);
  });
});
