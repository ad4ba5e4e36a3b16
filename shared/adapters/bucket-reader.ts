import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

export interface ListedObject {
  key: string;
  size: number;
  lastModified: number;
}

/** Every object under `prefix`, following continuation tokens. */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<ListedObject[]> {
  const out: ListedObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }),
    );
    for (const o of page.Contents ?? []) {
      out.push({ key: o.Key!, size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** The NDJSON lines of one object, gunzipped when it is gzip (the processor writes `.ndjson.gz`). */
export async function readObjectLines(s3: S3Client, bucket: string, key: string): Promise<string[]> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = Buffer.from(await res.Body!.transformToByteArray());
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  return text.split('\n').filter((l) => l.length > 0);
}

/** Reads many objects with a few requests in flight. */
export async function readAllLines(
  s3: S3Client,
  bucket: string,
  keys: readonly string[],
  concurrency = 16,
): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let next = 0;
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!;
      out.set(key, await readObjectLines(s3, bucket, key));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return out;
}
