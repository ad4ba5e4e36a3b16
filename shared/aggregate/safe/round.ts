/**
 * Numbers that replicate keep 3 significant digits: a numeric field summarised as a stat (say a card number sent
 * as a JSON number) cannot travel whole through its min or max.
 */
export function round3(n: number): number {
  if (n === 0 || !Number.isFinite(n)) return n;
  return Number(n.toPrecision(3));
}

/**
 * A number as a dimension value: the range of its first significant digit, `200..300` for 204, `4e15..5e15` for a
 * card number, so no more than one digit of it replicates. Non-integers below 1 go to `0..1` / `-1..0`.
 */
export function numberRange(n: number): string {
  if (n === 0) return '0';
  const sign = n < 0 ? '-' : '';
  const a = Math.abs(n);
  if (a < 1) return n < 0 ? '-1..0' : '0..1';
  const e = Math.floor(Math.log10(a));
  const d = Math.floor(a / 10 ** e);
  const fmt = (m: number) => (e <= 3 ? String(m * 10 ** e) : `${m}e${e}`);
  return `${sign}${fmt(d)}..${sign}${fmt(d + 1)}`;
}
