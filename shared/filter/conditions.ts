import type { Condition } from '../config/schema.ts';
import type { LogRecord } from '../record/record.ts';
import { compilePath } from './field-path.ts';

export type Predicate = (record: LogRecord) => boolean;

/** Scalars compare as text, so `equals: 500` matches both `500` and `"500"` (shippers disagree on types). */
function scalarText(value: unknown): string | undefined {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' ? String(value) : undefined;
}

/**
 * One condition → predicate. `equals` / `in` / `regex` match scalar values only (an object never equals a string);
 * `exists: true` means present and not null; `message` tests the record's message.
 */
export function compileCondition(condition: Condition): Predicate {
  if ('message' in condition) {
    const re = new RegExp(condition.message);
    return (record) => re.test(record.message);
  }
  const get = compilePath(condition.field);
  if ('equals' in condition) {
    const want = String(condition.equals);
    return (record) => scalarText(get(record)) === want;
  }
  if ('in' in condition) {
    const set = new Set(condition.in.map(String));
    return (record) => {
      const text = scalarText(get(record));
      return text !== undefined && set.has(text);
    };
  }
  if ('regex' in condition) {
    const re = new RegExp(condition.regex);
    return (record) => {
      const text = scalarText(get(record));
      return text !== undefined && re.test(text);
    };
  }
  const want = condition.exists;
  return (record) => {
    const value = get(record);
    return (value !== undefined && value !== null) === want;
  };
}

/** All conditions must hold; an empty list always holds. */
export function compileAll(conditions: readonly Condition[]): Predicate {
  const predicates = conditions.map(compileCondition);
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0]!;
  return (record) => {
    for (const p of predicates) if (!p(record)) return false;
    return true;
  };
}
