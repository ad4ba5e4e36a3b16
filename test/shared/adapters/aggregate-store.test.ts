import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDynamoAggregateStore } from '../../../shared/adapters/aggregate-store.ts';
import { itemId } from '../../../shared/process/aggregate-items.ts';
import { WriteError } from '../../../shared/process/errors.ts';

/**
 * BatchGetItem may return part of the keys under UnprocessedKeys (throttling, the 16 MB response cap). dynalite
 * never does, so this one fault is a stub client; everything else about the store runs against the emulator
 * (test/functions/process/redelivery.test.ts).
 */
const TABLE = 'aggregates';
const key = (pk: string) => ({ pk: { S: pk }, sk: { S: 's' } });

function stubClient(answers: (keys: string[]) => { served: string[]; unprocessed: string[] }) {
  const calls: string[][] = [];
  const client = {
    async send(command: { input: { RequestItems: Record<string, { Keys: { pk: { S: string } }[] }> } }) {
      const keys = command.input.RequestItems[TABLE]!.Keys.map((k) => k.pk.S);
      calls.push(keys);
      const { served, unprocessed } = answers(keys);
      return {
        Responses: { [TABLE]: served.map(key) },
        ...(unprocessed.length > 0 && { UnprocessedKeys: { [TABLE]: { Keys: unprocessed.map(key) } } }),
      };
    },
  } as unknown as DynamoDBClient;
  return { client, calls };
}

describe('createDynamoAggregateStore: readStates', () => {
  it('asks again for UnprocessedKeys until every key is read', async () => {
    const { client, calls } = stubClient((keys) => ({
      served: keys.slice(0, 1),
      unprocessed: keys.slice(1),
    }));
    const store = createDynamoAggregateStore(client, TABLE);
    const states = await store.readStates(
      ['a', 'b', 'c'].map((pk) => ({ pk, sk: 's' })),
      'shardId-000000000000',
    );
    expect([...states.keys()].sort()).toEqual(['a', 'b', 'c'].map((pk) => itemId({ pk, sk: 's' })));
    expect(calls).toEqual([['a', 'b', 'c'], ['b', 'c'], ['c']]);
  });

  it('gives up with a retryable WriteError when keys stay unprocessed', async () => {
    const { client } = stubClient((keys) => ({ served: [], unprocessed: keys }));
    const store = createDynamoAggregateStore(client, TABLE);
    const read = store.readStates([{ pk: 'a', sk: 's' }], 'shardId-000000000000');
    await expect(read).rejects.toBeInstanceOf(WriteError);
    await expect(read).rejects.toMatchObject({ retryable: true, target: 'dynamodb' });
  }, 30_000);
});
