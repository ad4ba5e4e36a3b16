import { builtinConfig } from '../shared/config/defaults.ts';
import { ConfigError } from '../shared/config/errors.ts';
import { loadConfig, type SluiceConfig } from '../shared/config/load.ts';

/** `--config F`, else `$SLUICE_CONFIG`, else the built-in defaults (when allowed). */
export function resolveConfig(flag: string | undefined, allowBuiltin: boolean): SluiceConfig {
  const path = flag ?? process.env.SLUICE_CONFIG;
  if (path) return loadConfig(path);
  if (allowBuiltin) return builtinConfig();
  throw new ConfigError('(none)', ['no configuration given: pass --config FILE or set SLUICE_CONFIG']);
}
