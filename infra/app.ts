import { App } from 'aws-cdk-lib';
import { loadConfig, type SluiceConfig } from '../shared/config/load.ts';
import { SluiceError } from '../shared/errors.ts';
import { buildSluiceApp } from './sluice-app.ts';

/**
 * `cdk synth` / `cdk deploy` entry (cdk.json: `npx tsx infra/app.ts`). The config path comes from the environment
 * variable SLUICE_CONFIG, else from the context value `config` (`-c config=path`, default in cdk.json).
 */
const app = new App();
const fromContext: unknown = app.node.tryGetContext('config');
const configPath =
  process.env['SLUICE_CONFIG'] || (typeof fromContext === 'string' ? fromContext : undefined);
if (!configPath) {
  console.error('sluice: no config file: set SLUICE_CONFIG or pass -c config=path/to/sluice.yaml');
  process.exit(1);
}

let config: SluiceConfig;
try {
  config = loadConfig(configPath);
} catch (err) {
  if (!(err instanceof SluiceError)) throw err;
  // The message names the file and every problem; a stack trace would only bury it.
  console.error(`sluice: ${err.message}`);
  process.exit(1);
}

try {
  buildSluiceApp(app, config, {
    configPath,
    ...(process.env['CDK_DEFAULT_ACCOUNT'] ? { defaultAccount: process.env['CDK_DEFAULT_ACCOUNT'] } : {}),
  });
} catch (err) {
  if (!(err instanceof SluiceError)) throw err;
  console.error(`sluice: ${err.message}`);
  process.exit(1);
}
app.synth();
