import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMetricsTap, liveTotals } from '../../../local/console/metrics-tap.ts';
import { createMetricsRecorder } from '../../../local/metrics-recorder.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('metrics tap', () => {
  it("sums the processor's dimensioned counters as the console shows them", () => {
    const m = createMetricsRecorder();
    m.count('RecordsIn', 10);
    m.count('RecordsOut', 7);
    m.count('RecordsDropped', 2, { name: 'reason', value: 'level' });
    m.count('RecordsDropped', 1, { name: 'reason', value: 'health-checks' });
    m.count('ValuesMasked', 4, { name: 'detector', value: 'email' });
    m.count('RecordsFailed', 1, { name: 'reason', value: 'poison' });
    expect(liveTotals(m.totals())).toEqual({
      recordsIn: 10,
      recordsStored: 7,
      recordsDropped: 3,
      valuesMasked: 4,
      recordsFailed: 1,
      batchesRetried: 0,
      droppedByReason: { level: 2, 'health-checks': 1 },
      maskedByDetector: { email: 4 },
      failedByReason: { poison: 1 },
    });
  });

  it('keeps per-second rates of the last N samples', () => {
    const m = createMetricsRecorder();
    let now = 1_000_000;
    const tap = createMetricsTap(() => m.totals(), { intervalMs: 2000, points: 3, now: () => now });
    for (const n of [20, 0, 6, 4]) {
      m.count('RecordsIn', n);
      now += 2000;
      vi.advanceTimersByTime(2000);
    }
    const s = tap.series();
    expect(s.in).toEqual([0, 3, 2]);
    expect(s.t).toEqual([1004, 1006, 1008]);
    tap.stop();
  });
});
