import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { writeError } from './aws-errors.ts';

export interface PutOptions {
  contentType?: string;
  contentEncoding?: string;
  /** S3 user metadata (lower-case keys). */
  metadata?: Record<string, string>;
}

export interface StoredObject {
  body: Uint8Array;
  metadata: Record<string, string>;
}

/** The region's bucket, as the processor, the failure store and redrive need it. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;
  get(key: string): Promise<StoredObject | undefined>;
  /** Keys under `prefix` in key order, at most `limit`. */
  list(prefix: string, limit?: number): Promise<string[]>;
  delete(key: string): Promise<void>;
}

export function createS3ObjectStore(client: S3Client, bucket: string): ObjectStore {
  return {
    async put(key, body, options = {}) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: options.contentType,
            ContentEncoding: options.contentEncoding,
            Metadata: options.metadata,
          }),
        );
      } catch (err) {
        throw writeError('s3', 'PutObject', err);
      }
    },
    async get(key) {
      try {
        const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = res.Body ? await res.Body.transformToByteArray() : new Uint8Array();
        return { body, metadata: res.Metadata ?? {} };
      } catch (err) {
        const name = (err as { name?: string }).name;
        if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
        throw writeError('s3', 'GetObject', err);
      }
    },
    async list(prefix, limit = Number.POSITIVE_INFINITY) {
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const res = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              ContinuationToken: token,
              MaxKeys: Math.min(1000, Math.max(1, limit - keys.length)),
            }),
          );
          for (const o of res.Contents ?? []) if (o.Key && keys.length < limit) keys.push(o.Key);
          token = res.IsTruncated ? res.NextContinuationToken : undefined;
        } while (token && keys.length < limit);
      } catch (err) {
        throw writeError('s3', 'ListObjectsV2', err);
      }
      return keys;
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (err) {
        throw writeError('s3', 'DeleteObject', err);
      }
    },
  };
}

/** In-process store for the benchmark and pure tests. `puts` counts PutObject calls. */
export interface MemoryObjectStore extends ObjectStore {
  readonly objects: Map<string, StoredObject>;
  readonly puts: number;
}

export function createMemoryObjectStore(): MemoryObjectStore {
  const objects = new Map<string, StoredObject>();
  let puts = 0;
  return {
    objects,
    get puts() {
      return puts;
    },
    async put(key, body, options = {}) {
      puts++;
      objects.set(key, { body, metadata: { ...options.metadata } });
    },
    async get(key) {
      return objects.get(key);
    },
    async list(prefix, limit = Number.POSITIVE_INFINITY) {
      return [...objects.keys()]
        .filter((k) => k.startsWith(prefix))
        .sort()
        .slice(0, limit);
    },
    async delete(key) {
      objects.delete(key);
    },
  };
}
