export interface EventTimeBounds {
  maxLateSeconds: number;
  maxAheadSeconds: number;
}

/**
 * The time a record is aggregated at: its own timestamp when within [receivedAt - maxLate, receivedAt + maxAhead],
 * else its receive time. A client-chosen timestamp (`-271821-04-20`) would otherwise open windows, and TTLs, that
 * never expire. The record itself keeps its timestamp.
 */
export function aggregationTime(timestamp: number, receivedAt: number, b: EventTimeBounds): number {
  if (timestamp < receivedAt - b.maxLateSeconds * 1000 || timestamp > receivedAt + b.maxAheadSeconds * 1000)
    return receivedAt;
  return timestamp;
}
