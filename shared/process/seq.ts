/**
 * Kinesis sequence numbers are decimal strings of up to 129 digits (in practice 56). They compare numerically;
 * zero-padding every stored one to a fixed width makes plain string comparison (DynamoDB conditions included)
 * agree with numeric order. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_Record.html
 */
export const SEQ_WIDTH = 129;

export function padSeq(seq: string): string {
  if (!/^\d+$/.test(seq) || seq.length > SEQ_WIDTH) {
    throw new RangeError(`not a Kinesis sequence number of at most ${SEQ_WIDTH} digits: ${seq.slice(0, 80)}`);
  }
  return seq.padStart(SEQ_WIDTH, '0');
}

/** Strips the padding again (for ESM/Kinesis API calls, which want the number as AWS wrote it). */
export function unpadSeq(padded: string): string {
  const s = padded.replace(/^0+/, '');
  return s === '' ? '0' : s;
}

/** Numeric comparison of two unpadded or padded sequence numbers. */
export function compareSeq(a: string, b: string): number {
  const pa = padSeq(a);
  const pb = padSeq(b);
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}

/**
 * Position of one log record in the shard: its stream record (padded sequence number), the KPL user record inside
 * that (`unit`) and the record's index in the unit. Fixed widths, so string order is stream order; a stream record's
 * padded sequence number sorts before every position inside it. High-water marks are positions, so a batch can be
 * written, and resumed, at any log record (see functions/process/app.ts).
 */
export function recordPosition(paddedSeq: string, unit: number, index: number): string {
  return `${paddedSeq}.${String(unit).padStart(5, '0')}.${String(index).padStart(6, '0')}`;
}

/** After every log record of the stream record, before the next stream record: its suppression summaries. */
export const summaryPosition = (paddedSeq: string): string => `${paddedSeq}.~`;

/** After everything of the stream record, summaries included: the high-water mark of a batch ending with it. */
export const endPosition = (paddedSeq: string): string => `${paddedSeq}.~~`;
