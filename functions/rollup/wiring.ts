import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoGlobalSink, createDynamoRollupSource } from '../../shared/adapters/rollup-store.ts';
import type { RollupDeps } from './app.ts';

export interface RollupTargets {
  regionalTable: string;
  globalTable: string;
}

/** The roll-up's stores on real AWS or on emulators (same code; the client decides). */
export function rollupStores(
  dynamodb: DynamoDBClient,
  region: string,
  t: RollupTargets,
): Pick<RollupDeps, 'regional' | 'global'> {
  return {
    regional: createDynamoRollupSource(dynamodb, t.regionalTable, region),
    global: createDynamoGlobalSink(dynamodb, t.globalTable),
  };
}
