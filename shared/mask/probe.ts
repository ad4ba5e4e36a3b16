/**
 * Cheap, native (regex/indexOf) necessary conditions shared by several detectors, each computed at most once
 * per string. One alternation pass is ~1.5× cheaper than its branches run one by one, so the rare keywords and
 * the digit structures are each tested together first; a per-character JavaScript loop was 3–5× slower still.
 * Methods rather than exported regexes: under tsx every imported binding is read through a getter.
 */
export class Probe {
  text = '';
  #keyword = -1;
  #structure = -1;
  #longNumber = -1;

  reset(text: string): this {
    this.text = text;
    this.#keyword = -1;
    this.#structure = -1;
    this.#longNumber = -1;
    return this;
  }

  /** `eyJ`, `PRIVATE KEY`, `bearer`/`basic` (any case) or `://` occurs. */
  keyword(): boolean {
    if (this.#keyword < 0) this.#keyword = KEYWORD.test(this.text) ? 1 : 0;
    return this.#keyword === 1;
  }

  /** One of the shapes that card, SSN, phone, IPv4, IBAN and MAC values start with occurs. */
  structure(): boolean {
    if (this.#structure < 0) this.#structure = STRUCTURE.test(this.text) ? 1 : 0;
    return this.#structure === 1;
  }

  /** At least `n` colons, counted with indexOf (no allocation, no per-character loop). */
  colons(n: number): boolean {
    let at = -1;
    for (let i = 0; i < n; i++) {
      at = this.text.indexOf(':', at + 1);
      if (at < 0) return false;
    }
    return true;
  }

  ipv4Shape(): boolean {
    return this.structure() && IPV4_SHAPE.test(this.text);
  }

  ibanShape(): boolean {
    return this.structure() && IBAN_SHAPE.test(this.text);
  }

  macShape(): boolean {
    return this.structure() && MAC_SHAPE.test(this.text);
  }

  /** Nine or more digits in one run joined by at most two separators (`.`, `-`, space, brackets, `+`, `/`). */
  longNumber(): boolean {
    if (this.#longNumber < 0) this.#longNumber = this.structure() && LONG_NUMBER.test(this.text) ? 1 : 0;
    return this.#longNumber === 1;
  }
}

const KEYWORD = /eyJ|PRIVATE KEY|bearer|basic|:\/\//i;

const SEP = '[ ().+/-]{0,2}';
const LONG_NUMBER_SOURCE = `\\d${`${SEP}\\d`.repeat(8)}`;
const LONG_NUMBER = new RegExp(LONG_NUMBER_SOURCE);
const IPV4_SHAPE = /\d\.\d{1,3}\.\d{1,3}\.\d/;
/** Any case: IBANs are also written in lower case (`gb82 west …`). */
const IBAN_SHAPE = /[A-Za-z]{2}\d\d/;
/** Separator-first, so V8 skips quickly to the rare `:`, `-` or `.`. */
const MAC_SHAPE = /[:-][0-9A-Fa-f]{2}[:-][0-9A-Fa-f]{2}[:-]|\.[0-9A-Fa-f]{4}\./;
const STRUCTURE = new RegExp(
  [LONG_NUMBER_SOURCE, IPV4_SHAPE.source, IBAN_SHAPE.source, MAC_SHAPE.source].join('|'),
);
