import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { derivedConfig, HMAC_PARAMETER } from '../../local/localstack.ts';
import { parseConfig } from '../../shared/config/load.ts';

describe('the config deployed to LocalStack', () => {
  const text = readFileSync('config/example.yaml', 'utf8');
  const derived = parseConfig(parseYaml(derivedConfig(text, { acme: 'dev-key-1' })), 'derived');

  it('is valid and keeps everything but the cloud secrets', () => {
    const acme = derived.tenants.find((t) => t.id === 'acme')!;
    const sha = createHash('sha256').update('dev-key-1').digest('hex');
    expect(acme.keys).toContainEqual({ id: 'local-dev', sha256: sha });
    expect(acme.keys.some((k) => 'secret' in k)).toBe(false);
    // The sha256 key of the example file still works.
    expect(acme.keys.map((k) => k.id)).toContain('fluentbit');
    expect(acme.pipeline.filter.minLevel).toBe('info');
  });

  it('reads every HMAC key from the SSM parameter the deploy script creates', () => {
    for (const t of derived.tenants)
      expect(t.pipeline.mask.hmacKey).toEqual({ ssmParameter: HMAC_PARAMETER });
  });
});
