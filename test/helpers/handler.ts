import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import type { Endpoints } from '../../shared/adapters/clients.ts';

/** A Lambda context as the runtime passes it (what Powertools' middleware reads), with `ms` left. */
export function lambdaContext(functionName: string, ms = 300_000): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'smoke-request',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'smoke',
    getRemainingTimeInMillis: () => ms,
    done() {},
    fail() {},
    succeed() {},
  };
}

/**
 * Environment of a deployed function (as infra sets it), pointed at the emulators via SLUICE_ENDPOINTS, with the
 * config written to a file. Sets process.env before the handler module is imported (its cold start reads it).
 */
export function setHandlerEnv(config: unknown, endpoints: Endpoints, vars: Record<string, string>): void {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-handler-'));
  const path = join(dir, 'sluice.yaml');
  // JSON is YAML: the loader reads it as the bundled sluice.yaml.
  writeFileSync(path, JSON.stringify(config));
  Object.assign(process.env, {
    SLUICE_CONFIG_PATH: path,
    SLUICE_ENDPOINTS: JSON.stringify(endpoints),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_NAMESPACE: 'SluiceSmoke',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...vars,
  });
}
