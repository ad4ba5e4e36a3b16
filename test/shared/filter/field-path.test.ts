import { describe, expect, it } from 'vitest';
import { compilePath, valueText } from '../../../shared/filter/field-path.ts';
import { makeRecord } from '../../helpers/records.ts';

describe('compilePath', () => {
  const record = makeRecord({
    service: 'api',
    level: 'warn',
    message: 'hello',
    attributes: {
      http: { status: 503, path: '/x' },
      'http.method': 'GET',
      user: { 'geo.country': 'DE' },
      list: ['a', 'b'],
      nothing: null,
    },
  });

  it('reads the record fields by name', () => {
    expect(compilePath('service')(record)).toBe('api');
    expect(compilePath('level')(record)).toBe('warn');
    expect(compilePath('message')(record)).toBe('hello');
    expect(compilePath('tenant')(record)).toBe('acme');
    expect(compilePath('region')(record)).toBe('eu');
    expect(compilePath('timestamp')(record)).toBe(record.timestamp);
    expect(compilePath('ingest.protocol')(record)).toBe('test');
  });

  it('walks nested attributes, with or without the attributes. prefix', () => {
    expect(compilePath('attributes.http.status')(record)).toBe(503);
    expect(compilePath('http.status')(record)).toBe(503);
    expect(compilePath('attributes.list.1')(record)).toBe('b');
    expect(compilePath('attributes.http')(record)).toEqual({ status: 503, path: '/x' });
  });

  it('finds flat dotted keys as OTel shippers send them, at any level', () => {
    expect(compilePath('attributes.http.method')(record)).toBe('GET');
    expect(compilePath('attributes.user.geo.country')(record)).toBe('DE');
  });

  it('is undefined for missing fields, through scalars, and for inherited names', () => {
    expect(compilePath('attributes.http.status.code')(record)).toBeUndefined();
    expect(compilePath('attributes.nope.deeper')(record)).toBeUndefined();
    expect(compilePath('attributes.constructor')(record)).toBeUndefined();
    expect(compilePath('attributes.__proto__')(record)).toBeUndefined();
    expect(compilePath('attributes.http.toString')(record)).toBeUndefined();
    expect(compilePath('attributes.nothing.x')(record)).toBeUndefined();
  });
});

describe('valueText', () => {
  it('stringifies scalars and JSON-encodes objects; null and undefined are missing', () => {
    expect(valueText('a')).toBe('a');
    expect(valueText(5)).toBe('5');
    expect(valueText(false)).toBe('false');
    expect(valueText({ a: 1 })).toBe('{"a":1}');
    expect(valueText(null)).toBeUndefined();
    expect(valueText(undefined)).toBeUndefined();
  });
});
