import type { Level } from '../record/level.ts';
import { isPlainObject, type NormalizeContext, normalizeRecord } from '../record/normalize.ts';
import type { LogRecord } from '../record/record.ts';
import { MalformedBodyError, TooLargeError } from './errors.ts';
import { splitJsonValues } from './json-stream.ts';
import { parseSyslog } from './syslog.ts';

/** Largest epoch ms a JS Date holds (ECMA-262 §21.4.1.1); beyond it `toISOString` throws. */
const MAX_DATE_MS = 8.64e15;

export interface FactoryLimits {
  maxRecords: number;
  maxDepth: number;
}

export interface ObjectHints {
  defaultService?: string;
  defaultLevel?: Level;
}

/**
 * Builds the request's records in order: normalizes (stamping tenant, region, protocol, receive time and id),
 * enforces the record-count and nesting limits as records are made (so a huge batch stops early), and keeps
 * out-of-range timestamps from reaching serialization.
 */
export class RecordFactory {
  readonly records: LogRecord[] = [];
  readonly ctx: NormalizeContext;
  /** Attributes every record of the request gets unless it has its own (Firehose common attributes). */
  common: Readonly<Record<string, unknown>> | undefined;
  private readonly limits: FactoryLimits;

  constructor(ctx: NormalizeContext, limits: FactoryLimits) {
    this.ctx = ctx;
    this.limits = limits;
  }

  /** Normalizes one object into a record; returns its index in `records`. */
  object(raw: Record<string, unknown>, hints?: ObjectHints): number {
    this.checkCount();
    if (exceedsDepth(raw, this.limits.maxDepth)) {
      throw new MalformedBodyError(
        `record ${this.records.length + 1} is nested deeper than ${this.limits.maxDepth} levels`,
        { item: this.records.length },
      );
    }
    const ctx = hints ? { ...this.ctx, ...hints } : this.ctx;
    return this.push(normalizeRecord(raw, ctx));
  }

  /** A record whose fields are already known (syslog, OTLP, CloudWatch Logs). */
  fields(
    fields: { timestamp?: number; level?: Level; service?: string; message: string },
    attributes: Record<string, unknown>,
  ): number {
    this.checkCount();
    if (exceedsDepth(attributes, this.limits.maxDepth - 1)) {
      throw new MalformedBodyError(
        `record ${this.records.length + 1} is nested deeper than ${this.limits.maxDepth} levels`,
        { item: this.records.length },
      );
    }
    const base = normalizeRecord({}, this.ctx);
    base.attributes = attributes;
    base.message = fields.message;
    if (fields.timestamp !== undefined) base.timestamp = fields.timestamp;
    if (fields.level !== undefined) base.level = fields.level;
    if (fields.service !== undefined && fields.service !== '') base.service = fields.service;
    return this.push(base);
  }

  text(message: string, hints?: ObjectHints): number {
    return this.object({ message }, hints);
  }

  /**
   * One line of a line-oriented body: a JSON object, concatenated JSON objects (Fluent Bit `json_stream`), a JSON
   * array of objects, a syslog line, or plain text. Blank lines are skipped.
   */
  line(line: string, hints?: ObjectHints): void {
    if (line.charCodeAt(line.length - 1) === 13 /* \r */) line = line.slice(0, -1);
    const first = line.charCodeAt(0);
    if (first === 123 /* { */ || first === 91 /* [ */) {
      if (this.jsonLine(line, hints)) return;
    } else if (first === 60 /* < */) {
      const s = parseSyslog(line, this.ctx.receivedAt);
      if (s) {
        this.fields(s, s.attributes);
        return;
      }
    } else if (line.trim() === '') {
      return;
    }
    this.text(line, hints);
  }

  /** A JSON value at the top of a body or line: objects become records, strings text records. */
  value(v: unknown, hints?: ObjectHints): void {
    if (isPlainObject(v)) this.object(v, hints);
    else if (typeof v === 'string') this.line(v, hints);
    else if (Array.isArray(v)) {
      if (exceedsDepth(v, this.limits.maxDepth)) {
        throw new MalformedBodyError(`a value is nested deeper than ${this.limits.maxDepth} levels`);
      }
      for (const x of v) this.value(x, hints);
    } else if (v !== null) this.text(String(v), hints);
  }

  private jsonLine(line: string, hints?: ObjectHints): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      const parts = line.charCodeAt(0) === 123 ? splitJsonValues(line, this.limits.maxDepth) : undefined;
      if (!parts || parts.length < 2) return false;
      const objects: Record<string, unknown>[] = [];
      for (const p of parts) {
        // Balanced braces are not JSON (`{user}{login}`, Python dicts, NaN): such a line is text.
        let v: unknown;
        try {
          v = JSON.parse(p);
        } catch {
          return false;
        }
        if (!isPlainObject(v)) return false;
        objects.push(v);
      }
      for (const o of objects) this.object(o, hints);
      return true;
    }
    if (isPlainObject(parsed)) {
      this.object(parsed, hints);
      return true;
    }
    if (Array.isArray(parsed) && parsed.length > 0 && parsed.every(isPlainObject)) {
      this.value(parsed, hints);
      return true;
    }
    return false;
  }

  private checkCount(): void {
    if (this.records.length >= this.limits.maxRecords) {
      throw new TooLargeError(
        'tooManyRecords',
        `more than ${this.limits.maxRecords} records in one request; send smaller batches`,
      );
    }
  }

  private push(record: LogRecord): number {
    if (!(record.timestamp >= -MAX_DATE_MS && record.timestamp <= MAX_DATE_MS)) {
      record.timestamp = this.ctx.receivedAt;
    }
    if (this.common) {
      for (const k in this.common) if (!(k in record.attributes)) record.attributes[k] = this.common[k];
    }
    this.records.push(record);
    return this.records.length - 1;
  }
}

/** Most log records are flat or nearly so: skip the walk's allocations when no value is an object. */
function hasNested(v: object): boolean {
  if (Array.isArray(v)) {
    for (const x of v) if (typeof x === 'object' && x !== null) return true;
    return false;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'object' && x !== null) return true;
  }
  return false;
}

/** Iterative (a recursive walk would itself overflow on the input it guards against). */
export function exceedsDepth(root: unknown, max: number): boolean {
  if (typeof root !== 'object' || root === null) return false;
  if (max >= 2 && !hasNested(root)) return false;
  const stack: object[] = [root];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop() as Record<string, unknown> | unknown[];
    const d = depths.pop()!;
    if (d > max) return true;
    if (Array.isArray(v)) {
      for (const x of v) {
        if (typeof x === 'object' && x !== null) {
          stack.push(x);
          depths.push(d + 1);
        }
      }
    } else {
      for (const k in v) {
        const x = v[k];
        if (typeof x === 'object' && x !== null) {
          stack.push(x);
          depths.push(d + 1);
        }
      }
    }
  }
  return false;
}
