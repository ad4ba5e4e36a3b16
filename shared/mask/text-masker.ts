import type { DetectorName, MaskMode } from '../config/schema.ts';
import { decodedView, needsView } from './decoded-view.ts';
import type { Detector, Hit, ScanContext } from './detector.ts';
import { placeholder } from './placeholder.ts';
import { Probe } from './probe.ts';
import type { Pseudonymizer } from './pseudonym.ts';

/** Counts of masked values by detector name, `sensitiveKey` (key-name rule) or `allowList`. */
export type Audit = Record<string, number>;

export interface ActiveDetector {
  detector: Detector;
  mode: MaskMode;
}

/** Shorter strings cannot hold any detectable value (the shortest is `::1`). */
const MIN_LENGTH = 3;
/**
 * Masking is re-run on its own output until nothing changes, so the result is a fixed point (masking masked
 * text changes nothing) even where a replacement turns a neighbour into a boundary. A re-run happens only when a
 * replacement could have had that effect (see `rescan`); two passes suffice in practice, the cap bounds
 * adversarial input.
 */
const MAX_PASSES = 3;

/** Long enough for services, methods, routes and versions; unique ids (UUIDs, trace ids) are longer. */
const CLEAN_CACHE_MAX_LENGTH = 24;
const CLEAN_CACHE_ENTRIES = 4096;

type Render = (value: string) => string;

function renderer(d: Detector, mode: MaskMode, pseudonym: Pseudonymizer | undefined): Render {
  const name: DetectorName = d.name;
  const fixed = placeholder(name);
  if (mode === 'hmac') {
    if (!pseudonym) throw new Error(`internal: hmac mode for ${name} without a key`);
    const canonical = d.canonical ?? ((v: string) => v);
    return (value) => `<${name}:${pseudonym(name, canonical(value))}>`;
  }
  if (mode === 'partial' && d.partial) return d.partial;
  return () => fixed;
}

interface Compiled {
  detector: Detector;
  render: Render;
}

/**
 * Characters that bound every detector the same way `<` and `>` do (whitespace, quotes, brackets). A replacement
 * between two of them cannot change what any detector sees at its edges, so no second pass is needed for it.
 * `,` `.` `-` `=` `:` `@` and friends are absent on purpose: lookarounds such as `[.,]\d` see through them.
 */
const SAFE_NEIGHBOUR = new Uint8Array(128);
for (const ch of ' \t\n\r"\'`()[]{}|<>') SAFE_NEIGHBOUR[ch.charCodeAt(0)] = 1;
const safeNeighbour = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i); // NaN outside the string: string edges count as unsafe (windows are cut there)
  return c < 128 && SAFE_NEIGHBOUR[c] === 1;
};
/** A replaced value holding these could have kept `urlPassword` from matching the text around it. */
const URL_BREAKER = /[\s/?#]/;

/**
 * Set when a replacement may let a detector match on the next pass: its neighbours are not both safe, or it
 * removed characters that stop a URL password inside a string that has a URL. Reset per masked string.
 */
let rescan = false;

/** Applies one detector to `text`; returns `text` itself when nothing matched. */
function applyOne(c: Compiled, text: string, audit: Audit, context: ScanContext | undefined): string {
  const d = c.detector;
  const re = d.pattern;
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let hits = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const hit = d.validate(m, text, context);
    // A validator that extends backwards (email) may reach into the previous hit: that is not a new value.
    if (hit === undefined || hit.start < last) {
      re.lastIndex = d.skipRejected ? m.index + m[0].length : m.index + 1;
      continue;
    }
    const value = text.slice(hit.start, hit.end);
    if (
      !rescan &&
      (!safeNeighbour(text, hit.start - 1) ||
        !safeNeighbour(text, hit.end) ||
        (URL_BREAKER.test(value) && text.includes('://')))
    ) {
      rescan = true;
    }
    out += text.slice(last, hit.start) + c.render(value);
    last = hit.end;
    hits++;
    re.lastIndex = hit.end;
  }
  if (hits === 0) return text;
  audit[d.name] = (audit[d.name] ?? 0) + hits;
  return out + text.slice(last);
}

/**
 * Plain prose: lower-case letters, spaces and light punctuation. No detector can match inside a run of it
 * without a character from outside the set nearby (a digit, `@`, `:`, an upper-case letter…), so only the window
 * from the first to the last such character, widened by {@link MARGIN}, is scanned. A plain string costs one
 * native regex pass, and so does the free-text tail that makes up the bulk of many log lines, instead of
 * fourteen.
 */
const NOT_PLAIN = /[^a-z ,;'"!?()]/;
const LAST_NOT_PLAIN = /[^a-z ,;'"!?()][a-z ,;'"!?()]*$/;
/** The tail is searched backwards in chunks of this size, so the search never rescans the window. */
const TAIL_CHUNK = 256;
/**
 * Plain context a detector may need beside non-plain text: an e-mail local part (≤ 64), the `bearer`/`basic`
 * before a token, lookaround boundaries. Must exceed the longest plain prefix or suffix any detector needs.
 */
const MARGIN = 96;
/**
 * Whole strings that no detector can match: lower-case UUIDs and lower-case hex with at least one letter (trace
 * ids, hashes, git SHAs). Request and trace ids sit on most records; recognising them costs one anchored test
 * that fails on the first character of anything else. (Digit-only strings are excluded: they may be cards; so
 * are two letters then only digits: a lower-case IBAN such as `be68539007547034`.)
 */
const CLEAN_SHAPE =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?![a-f]{2}\d+$)[0-9a-f]*[a-f][0-9a-f]*)$/;
const CLEAN_SHAPE_MAX_LENGTH = 128;
/** `basic` + an all-lower-case base64 credential is the one detectable value made only of plain characters. */
const PLAIN_CREDENTIAL = /basic[ \t]/;

/** Index just after the last non-plain character at or after `from` (there is one at `from`). */
function endOfNonPlain(text: string, from: number): number {
  for (let end = text.length; end > from; end -= TAIL_CHUNK) {
    const start = Math.max(from, end - TAIL_CHUNK);
    const chunk = text.slice(start, end);
    const at = chunk.search(LAST_NOT_PLAIN);
    if (at >= 0) return start + at + 1;
  }
  return from + 1;
}

const probe = new Probe();

function scan(
  compiled: readonly Compiled[],
  text: string,
  audit: Audit,
  context: ScanContext | undefined,
): string {
  probe.reset(text);
  const n = text.length;
  let out = text;
  for (const c of compiled) {
    // Gates are judged on the pass's input; a match that only appears once a replacement changed a neighbour
    // is caught by the next pass.
    const d = c.detector;
    if (n >= d.minLength && d.worthScanning(text, probe, context)) out = applyOne(c, out, audit, context);
  }
  return out;
}

function onePass(
  compiled: readonly Compiled[],
  text: string,
  audit: Audit,
  context: ScanContext | undefined,
): string {
  const n = text.length;
  if (n < MIN_LENGTH) return text;
  if (text.includes('basic') && PLAIN_CREDENTIAL.test(text)) return scan(compiled, text, audit, context);
  const first = text.search(NOT_PLAIN);
  if (first < 0 || (n <= CLEAN_SHAPE_MAX_LENGTH && CLEAN_SHAPE.test(text))) return text;
  const start = first > MARGIN ? first - MARGIN : 0;
  const end = n - first > TAIL_CHUNK ? Math.min(n, endOfNonPlain(text, first) + MARGIN) : n;
  if (start === 0 && end === n) return scan(compiled, text, audit, context);
  const window = text.slice(start, end);
  const masked = scan(compiled, window, audit, context);
  return masked === window ? text : text.slice(0, start) + masked + text.slice(end);
}

/**
 * Every hit of every detector in `text`, earlier detectors first, overlapping later hits dropped: the decoded view
 * is read, not rewritten, so its hits are collected and then masked over their original spans.
 */
function collectHits(
  compiled: readonly Compiled[],
  text: string,
  context: ScanContext | undefined,
): { hit: Hit; c: Compiled }[] {
  probe.reset(text);
  const found: { hit: Hit; c: Compiled }[] = [];
  const n = text.length;
  for (const c of compiled) {
    const d = c.detector;
    if (n < d.minLength || !d.worthScanning(text, probe, context)) continue;
    const re = d.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const hit = d.validate(m, text, context);
      if (hit === undefined || hit.end <= hit.start) {
        re.lastIndex = d.skipRejected ? m.index + m[0].length : m.index + 1;
        continue;
      }
      re.lastIndex = hit.end;
      if (!found.some((f) => hit.start < f.hit.end && f.hit.start < hit.end)) found.push({ hit, c });
    }
  }
  return found.sort((a, b) => a.hit.start - b.hit.start);
}

/** Masks what the detectors find in the decoded view of `text`, over the original spans. */
function maskDecoded(
  compiled: readonly Compiled[],
  text: string,
  audit: Audit,
  context: ScanContext | undefined,
): string {
  const view = decodedView(text);
  if (view === undefined) return text;
  const hits = collectHits(compiled, view.text, context);
  if (hits.length === 0) return text;
  let out = '';
  let last = 0;
  for (const { hit, c } of hits) {
    const start = view.pos[hit.start]!;
    const end = view.pos[hit.end]!;
    if (start < last) continue;
    out += text.slice(last, start) + c.render(view.text.slice(hit.start, hit.end));
    last = end;
    audit[c.detector.name] = (audit[c.detector.name] ?? 0) + 1;
  }
  return out + text.slice(last);
}

export type TextMasker = (text: string, audit: Audit, context?: ScanContext) => string;

/** Compiles the enabled detectors (already in priority order) into one text-masking function. */
export function compileTextMasker(active: readonly ActiveDetector[], pseudonym?: Pseudonymizer): TextMasker {
  const compiled: Compiled[] = active.map(({ detector, mode }) => ({
    detector,
    render: renderer(detector, mode, pseudonym),
  }));
  // Short strings that held nothing (services, methods, paths, versions, enum values) repeat on almost every
  // record; remembering them skips every gate. Only clean strings are kept, so the audit stays exact. Keyword
  // rules also read the field name, so a string is remembered clean together with the key it was found under.
  const clean = new Set<string>();
  const fixedPoint = (text: string, audit: Audit, context: ScanContext | undefined): string => {
    let current = text;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      rescan = false;
      const next = onePass(compiled, current, audit, context);
      if (next === current) return current;
      current = next;
      if (!rescan) return current;
    }
    return current;
  };
  return (text, audit, context) => {
    const cacheable = text.length <= CLEAN_CACHE_MAX_LENGTH;
    const cacheKey = cacheable && context?.key !== undefined ? `${context.key}\u0000${text}` : text;
    if (cacheable && clean.has(cacheKey)) return text;
    let current = fixedPoint(text, audit, context);
    if (needsView(current)) {
      const decoded = maskDecoded(compiled, current, audit, context);
      // What the decoded hits uncover (a neighbour now bounded by a placeholder) is caught by one more pass.
      if (decoded !== current) current = fixedPoint(decoded, audit, context);
    }
    if (current === text && cacheable) {
      if (clean.size >= CLEAN_CACHE_ENTRIES) clean.clear();
      clean.add(cacheKey);
    }
    return current;
  };
}
