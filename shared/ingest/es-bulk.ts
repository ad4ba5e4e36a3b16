import { normalizeLevel } from '../record/level.ts';
import { isPlainObject } from '../record/normalize.ts';
import { MalformedBodyError, RefusedError } from './errors.ts';
import type { ObjectHints, RecordFactory } from './records.ts';

export const BULK_ACTIONS = ['index', 'create', 'update', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

export interface BulkItemError {
  status: number;
  type: string;
  reason: string;
}

/** One action of the request, in order; `record` is the index of its record when it produced one. */
export interface BulkItem {
  action: BulkAction;
  index: string;
  id: string | undefined;
  record?: number;
  error?: BulkItemError;
}

/** ECS documents (Beats, Elastic agents) carry `service.name` and `log.level`, nested or dotted. */
function ecsHints(doc: Record<string, unknown>, index: string): ObjectHints {
  const service = isPlainObject(doc['service']) ? doc['service']['name'] : undefined;
  const log = isPlainObject(doc['log']) ? doc['log']['level'] : doc['log.level'];
  const level = normalizeLevel(log);
  return {
    defaultService: typeof service === 'string' && service !== '' ? service : index,
    ...(level !== undefined && { defaultLevel: level }),
  };
}

function isAction(k: string): k is BulkAction {
  return (BULK_ACTIONS as readonly string[]).includes(k);
}

/**
 * `POST /_bulk` and `/{index}/_bulk`: NDJSON pairs of an action line and a document line (`delete` has none).
 * Documents of `index`/`create` become records with `_index` kept in attributes (and as the default service); a
 * document that cannot be read fails only its item, like Elasticsearch. A malformed action line fails the request:
 * after it the pairing of lines is unknown.
 */
export function parseBulk(text: string, f: RecordFactory, defaultIndex: string | undefined): BulkItem[] {
  const items: BulkItem[] = [];
  const n = text.length;
  let pos = 0;
  let lineNo = 0;
  const nextLine = (): string | undefined => {
    while (pos < n) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = n;
      let line = text.slice(pos, end);
      pos = end + 1;
      lineNo++;
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line.trim() !== '') return line;
    }
    return undefined;
  };

  for (let actionLine = nextLine(); actionLine !== undefined; actionLine = nextLine()) {
    const at = lineNo;
    let action: unknown;
    try {
      action = JSON.parse(actionLine);
    } catch (cause) {
      throw new MalformedBodyError(`Malformed action/metadata line [${at}]: not JSON`, { cause });
    }
    const keys = isPlainObject(action) ? Object.keys(action) : [];
    const kind = keys[0];
    const meta = kind === undefined || !isPlainObject(action) ? undefined : action[kind];
    if (keys.length !== 1 || kind === undefined || !isAction(kind) || !isPlainObject(meta)) {
      throw new MalformedBodyError(
        `Malformed action/metadata line [${at}]: expected one of ${BULK_ACTIONS.join(', ')} with an object`,
      );
    }
    const index = typeof meta['_index'] === 'string' && meta['_index'] !== '' ? meta['_index'] : defaultIndex;
    const rawId = meta['_id'];
    const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
    const item: BulkItem = { action: kind, index: index ?? '', id };
    items.push(item);

    if (kind === 'delete') {
      item.error = {
        status: 400,
        type: 'illegal_argument_exception',
        reason: 'sluice is append-only: delete is not supported',
      };
      continue;
    }
    const docLine = nextLine();
    if (docLine === undefined) {
      throw new MalformedBodyError(`the bulk request ends after action line [${at}] without its document`);
    }
    if (kind === 'update') {
      item.error = {
        status: 400,
        type: 'illegal_argument_exception',
        reason: 'sluice is append-only: update is not supported',
      };
      continue;
    }
    if (index === undefined) {
      item.error = { status: 400, type: 'action_request_validation_exception', reason: 'index is missing' };
      continue;
    }
    let doc: unknown;
    try {
      doc = JSON.parse(docLine);
    } catch {
      doc = undefined;
    }
    if (!isPlainObject(doc)) {
      item.error = {
        status: 400,
        type: 'document_parsing_exception',
        reason: `failed to parse line [${lineNo}]: the document is not a JSON object`,
      };
      continue;
    }
    doc['_index'] = index;
    if (id !== undefined) doc['_id'] = id;
    try {
      item.record = f.object(doc, ecsHints(doc, index));
    } catch (err) {
      if (!(err instanceof MalformedBodyError)) throw err;
      item.error = { status: 400, type: 'document_parsing_exception', reason: err.message };
    }
  }
  if (items.length === 0) throw new RefusedError('empty', 'request body is required');
  return items;
}
