import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanJsonValues } from '../../../shared/ingest/json-stream.ts';

describe('scanJsonValues', () => {
  it('splits concatenated objects back into exactly the objects, whatever their strings hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 8 }),
        fc.constantFrom('', '\n', ' ', '\r\n\t'),
        (objects, sep) => {
          const text = objects.map((o) => JSON.stringify(o)).join(sep);
          const r = scanJsonValues(text, 1000);
          expect(r.error).toBeUndefined();
          expect(r.values.map((v) => JSON.parse(v))).toEqual(
            objects.map((o) => JSON.parse(JSON.stringify(o))),
          );
        },
      ),
    );
  });

  it('reports the number of the value at fault: truncated, not an object, too deep', () => {
    expect(scanJsonValues('{"a":1}{"b":', 10).error).toEqual({ index: 1, reason: 'truncated JSON' });
    expect(scanJsonValues('{"a":"}"} 7', 10).error).toEqual({ index: 1, reason: 'not a JSON object' });
    expect(scanJsonValues('{}{}{"a":[[[[1]]]]}', 3).error?.index).toBe(2);
  });
});
