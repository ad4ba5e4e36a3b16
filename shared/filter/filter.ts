import type { FilterConfig } from '../config/schema.ts';
import { LEVEL_RANK } from '../record/level.ts';
import type { LogRecord } from '../record/record.ts';
import { compileAll } from './conditions.ts';
import { compilePath, valueText } from './field-path.ts';
import { sampledIn } from './hash.ts';

/** `forced`: a keep rule matched; later rate stages must not drop it. */
export type FilterVerdict = { keep: true; forced: boolean } | { keep: false; reason: string };

// Verdicts are shared constants: the filter runs on every record and allocates nothing.
const KEEP: FilterVerdict = Object.freeze({ keep: true, forced: false });
const FORCED: FilterVerdict = Object.freeze({ keep: true, forced: true });
const drop = (reason: string): FilterVerdict => Object.freeze({ keep: false, reason });

/**
 * Stateless per-record decision, in this order:
 * 1. keep rules: a match keeps the record whatever follows (level included), `forced`;
 * 2. `minLevel`: below it → reason `level`;
 * 3. drop rules: the first rule whose conditions all hold → reason = its name;
 * 4. sample rules whose `when` holds: keep 1 in `oneIn` distinct values of `key` by hash (see `hashText`), so
 *    every region and every replay decide alike → reason `sample:<name>`. A record without the key field is not
 *    sampled by that rule: there is no value to agree on, and dropping all of them (or none) by one hash is worse.
 */
export function createFilter(config: FilterConfig): (record: LogRecord) => FilterVerdict {
  const keep = config.keep.map((rule) => compileAll(rule.when));
  const minRank = config.minLevel === undefined ? -1 : LEVEL_RANK[config.minLevel];
  const levelDrop = drop('level');
  const drops = config.drop.map((rule) => ({ when: compileAll(rule.when), verdict: drop(rule.name) }));
  const samples = config.sample.map((rule) => ({
    when: compileAll(rule.when),
    key: compilePath(rule.key),
    oneIn: rule.oneIn,
    verdict: drop(`sample:${rule.name}`),
  }));

  return (record) => {
    for (const matches of keep) if (matches(record)) return FORCED;
    if (LEVEL_RANK[record.level] < minRank) return levelDrop;
    for (const rule of drops) if (rule.when(record)) return rule.verdict;
    for (const rule of samples) {
      if (!rule.when(record)) continue;
      const text = valueText(rule.key(record));
      if (text !== undefined && !sampledIn(text, rule.oneIn)) return rule.verdict;
    }
    return KEEP;
  };
}
