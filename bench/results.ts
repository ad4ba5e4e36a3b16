import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** bench/results.json: the ratios the benches measure, read by `sluice cost` (shared/cost/ratios.ts). */
const PATH = fileURLToPath(new URL('./results.json', import.meta.url));

/** Merges `figures` into the results file, with the date and load they were measured at. */
export function writeResults(figures: Record<string, number>): void {
  let doc: Record<string, unknown> = {};
  try {
    doc = JSON.parse(readFileSync(PATH, 'utf8')) as Record<string, unknown>;
  } catch {
    // First bench run: no file yet.
  }
  writeFileSync(
    PATH,
    `${JSON.stringify({ ...doc, ...figures, measuredAt: new Date().toISOString() }, null, 2)}\n`,
  );
}
