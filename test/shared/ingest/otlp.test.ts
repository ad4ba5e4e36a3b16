import { describe, expect, it } from 'vitest';
import { anyValue, keyValues } from '../../../shared/ingest/otlp.ts';

describe('OTLP AnyValue', () => {
  it('converts every variant; 64-bit ints stay exact', () => {
    expect(anyValue({ stringValue: 's' })).toBe('s');
    expect(anyValue({ boolValue: true })).toBe(true);
    expect(anyValue({ intValue: '42' })).toBe(42);
    expect(anyValue({ intValue: 7 })).toBe(7);
    expect(anyValue({ intValue: '9223372036854775807' })).toBe('9223372036854775807');
    expect(anyValue({ doubleValue: 1.5 })).toBe(1.5);
    expect(anyValue({ bytesValue: 'AAE=' })).toBe('AAE=');
    expect(anyValue({ arrayValue: { values: [{ intValue: '1' }, { stringValue: 'x' }] } })).toEqual([1, 'x']);
    expect(
      anyValue({ kvlistValue: { values: [{ key: 'a', value: { kvlistValue: { values: [] } } }] } }),
    ).toEqual({ a: {} });
    expect(anyValue({})).toBeUndefined();
  });

  it('keeps a `__proto__` key as data instead of changing the prototype', () => {
    const obj = keyValues([{ key: '__proto__', value: { stringValue: 'x' } }]);
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.keys(obj)).toEqual(['__proto__']);
  });
});

describe('parseOtlpLogs nesting', () => {
  it('refuses AnyValues nested past the limit (400), however deep, without overflowing the stack', async () => {
    const { parseOtlpLogs } = await import('../../../shared/ingest/otlp.ts');
    const { RecordFactory } = await import('../../../shared/ingest/records.ts');
    const { MalformedBodyError } = await import('../../../shared/ingest/errors.ts');
    // Built as text: JSON.stringify itself would overflow on the deepest value.
    const open = '{"kvlistValue":{"values":[{"key":"k","value":';
    const nest = (levels: number) =>
      '{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"deep","value":' +
      `${open.repeat(levels)}{"stringValue":"leaf"}${'}]}}'.repeat(levels)}}]}]}]}]}`;
    const run = (levels: number) => {
      let n = 0;
      const f = new RecordFactory(
        { tenant: 't', region: 'eu', protocol: 'otlp', receivedAt: 1, nextId: () => String(n++) },
        { maxRecords: 10, maxDepth: 20 },
      );
      parseOtlpLogs(JSON.parse(nest(levels)), f, 20);
      return f.records;
    };
    expect(run(10)).toHaveLength(1);
    for (const levels of [25, 5_000]) expect(() => run(levels)).toThrow(MalformedBodyError);
  });
});

describe('parseOtlpLogs mapping', () => {
  const parse = async (logRecord: Record<string, unknown>, scopeLog: Record<string, unknown> = {}) => {
    const { parseOtlpLogs } = await import('../../../shared/ingest/otlp.ts');
    const { RecordFactory } = await import('../../../shared/ingest/records.ts');
    let n = 0;
    const f = new RecordFactory(
      { tenant: 't', region: 'eu', protocol: 'otlp', receivedAt: 1, nextId: () => String(n++) },
      { maxRecords: 10, maxDepth: 20 },
    );
    const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] };
    parseOtlpLogs(
      { resourceLogs: [{ resource, scopeLogs: [{ ...scopeLog, logRecords: [logRecord] }] }] },
      f,
      20,
    );
    return f.records[0]!;
  };

  it('severityNumber 0 (UNSPECIFIED) falls through to severityText, as the enum name does', async () => {
    expect((await parse({ severityNumber: 0, severityText: 'ERROR' })).level).toBe('error');
    expect(
      (await parse({ severityNumber: 'SEVERITY_NUMBER_UNSPECIFIED', severityText: 'ERROR' })).level,
    ).toBe('error');
    expect((await parse({ severityNumber: 13, severityText: 'ERROR' })).level).toBe('warn');
  });

  it('keeps log attributes named like the keys it adds (resource, scope, ...) under an `attributes.` prefix', async () => {
    const r = await parse(
      {
        body: { stringValue: 'token issued' },
        traceId: '5b8efff798038103d269b633813fc60c',
        attributes: [
          { key: 'scope', value: { stringValue: 'read:orders' } },
          { key: 'resource', value: { stringValue: '/orders/7' } },
          { key: 'attributes.resource', value: { stringValue: 'taken' } },
          { key: 'traceId', value: { stringValue: 'app-trace-1' } },
        ],
      },
      { scope: { name: 'lib' } },
    );
    expect(r.attributes).toEqual({
      resource: { 'service.name': 'api' },
      scope: { name: 'lib' },
      'attributes.scope': 'read:orders',
      'attributes.resource': 'taken',
      'attributes.attributes.resource': '/orders/7',
      traceId: '5b8efff798038103d269b633813fc60c',
      'attributes.traceId': 'app-trace-1',
    });
  });
});
