import { createHash } from 'node:crypto';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEV_KEY_ID } from './dev-config.ts';

/** Where `npm run localstack:deploy` writes the deployed pipeline's coordinates (LocalState fields). */
export const LOCALSTACK_OUTPUTS_PATH = '.sluice/localstack.json';

/** LocalStack's edge endpoint: `SLUICE_LOCALSTACK_ENDPOINT`, else `AWS_ENDPOINT_URL`, else localhost:4566. */
export function localstackEndpoint(): string {
  return process.env.SLUICE_LOCALSTACK_ENDPOINT ?? process.env.AWS_ENDPOINT_URL ?? 'http://localhost:4566';
}

/** SSM SecureString holding the HMAC key of a LocalStack deployment. */
export const HMAC_PARAMETER = '/sluice/local/hmac-key';

/**
 * The config deployed to LocalStack, which cannot read the cloud secrets the file may reference: each tenant keeps
 * its sha256 keys plus a development key (`keys`: plaintext per tenant), and every HMAC key reference points to the
 * SSM parameter `HMAC_PARAMETER` that localstack:deploy creates.
 */
export function derivedConfig(text: string, keys: Record<string, string>): string {
  const doc = parseYaml(text) as Record<string, unknown> & { tenants?: Record<string, unknown>[] };
  const replaceHmac = (pipeline: unknown) => {
    const mask = (pipeline as { mask?: Record<string, unknown> } | undefined)?.mask;
    if (mask?.['hmacKey']) mask['hmacKey'] = { ssmParameter: HMAC_PARAMETER };
  };
  replaceHmac((doc['defaults'] as { pipeline?: unknown } | undefined)?.pipeline);
  for (const t of doc.tenants ?? []) {
    replaceHmac(t['pipeline']);
    const keyList = (t['keys'] as Record<string, unknown>[]).filter((k) => 'sha256' in k);
    const dev = keys[t['id'] as string];
    if (dev) keyList.push({ id: DEV_KEY_ID, sha256: createHash('sha256').update(dev).digest('hex') });
    // Tenants of other regions keep only their sha256 keys; the schema needs at least one.
    t['keys'] = keyList.length > 0 ? keyList : [{ id: 'none', sha256: '0'.repeat(64) }];
  }
  return stringifyYaml(doc);
}
