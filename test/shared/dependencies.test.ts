import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The AWS SDK clients are pinned at whatever release last changed each of them (3.1143 for Kinesis, 3.1169 for S3…),
 * which is fine as long as they share one copy of the SDK core: two copies of @aws-sdk/core or @smithy/* mean two
 * middleware stacks, double bundle size and `instanceof` checks on SDK errors that fail across copies.
 */
describe('package-lock.json', () => {
  it('resolves every @aws-sdk/* and @smithy/* package to one version', () => {
    const lock = JSON.parse(readFileSync(join(import.meta.dirname, '../../package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string }>;
    };
    const versions = new Map<string, Set<string>>();
    for (const [path, meta] of Object.entries(lock.packages)) {
      const name = path.replace(/^.*node_modules\//, '');
      if (!/^@(aws-sdk|smithy)\//.test(name) || !meta.version) continue;
      versions.set(name, (versions.get(name) ?? new Set()).add(meta.version));
    }
    expect(versions.size).toBeGreaterThan(20);
    const duplicated = [...versions]
      .filter(([, v]) => v.size > 1)
      .map(([n, v]) => `${n}: ${[...v].join(', ')}`);
    expect(duplicated).toEqual([]);
  });
});
