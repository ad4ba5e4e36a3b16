/** snappyjs ships no types: the two functions sluice uses (https://github.com/zhipeng-jia/snappyjs). */
declare module 'snappyjs' {
  /** Snappy block format. Throws when the stated length exceeds `maxLength` or the stream is invalid. */
  export function uncompress<T extends Uint8Array | ArrayBuffer>(compressed: T, maxLength?: number): T;
  export function compress<T extends Uint8Array | ArrayBuffer>(uncompressed: T): T;
}
