import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_MAX_LENGTH, templateMessage } from '../../../shared/aggregate/template.ts';

describe('templateMessage', () => {
  it.each([
    ['order paid by <email> with <card>', 'order paid by <email> with <card>'],
    ['order paid by <email:1a2b3c4d> with <card:…1111>', 'order paid by <email> with <card>'],
    ['GET /api/users/12345 200 took 35ms', 'GET /api/users/<num> <num> took <num>ms'],
    ['took 1.5s, -3 left', 'took <num>s, -<num> left'],
    ['request 550e8400-e29b-41d4-a716-446655440000 failed', 'request <id> failed'],
    ['trace 9f86d081884c7d659a2feaa0c55ad015 span DEADBEEF01', 'trace <id> span <id>'],
    ['i-0abc123def4567890 user12345 0x1f3a', 'i-<id> <id> <id>'],
    ['user "bob smith" said \'hello there\'', 'user "<str>" said \'<str>\''],
    ["it's fine, don't worry", "it's fine, don't worry"],
    ['upgrade to http2 on ipv4 from sha256 v1', 'upgrade to http2 on ipv4 from sha256 v1'],
    ['client <ipv4> sent 3 retries', 'client <ipv4> sent <num> retries'],
    ['a < b > c, <div>x</div>, "unclosed', 'a < b > c, <div>x</div>, "unclosed'],
    ['', ''],
  ])('%j → %j', (message, template) => {
    expect(templateMessage(message)).toBe(template);
  });

  it('cuts long templates and marks the cut, without splitting a surrogate pair', () => {
    const long = templateMessage(`${'word '.repeat(100)}${'1 '.repeat(50)}`);
    expect(long).toHaveLength(TEMPLATE_MAX_LENGTH + 1);
    expect(long.endsWith('…')).toBe(true);
    const emoji = templateMessage(`${'a'.repeat(TEMPLATE_MAX_LENGTH - 1)}😀😀`);
    expect(emoji).toBe(`${'a'.repeat(TEMPLATE_MAX_LENGTH - 1)}…`);
  });

  // Generated messages: fixed words with variable parts between them; each slot renders twice with fresh values.
  const word = fc.stringMatching(/^[a-zA-Z]{1,12}$/);
  const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
  const twice = <T>(a: fc.Arbitrary<T>) => fc.tuple(a, a);
  const slot = fc.oneof(
    word.map((w) => [w, w] as const),
    twice(fc.nat().map(String)),
    twice(fc.double({ min: 0, max: 1e6, noNaN: true }).map((d) => d.toFixed(3))),
    twice(fc.uuid()),
    twice(hex(16).map((h) => `9${h}`)),
    fc
      .constantFrom('email', 'card', 'ipv4', 'phone')
      .chain((name) => twice(hex(12).map((h) => `<${name}:${h}>`))),
    twice(fc.stringMatching(/^[^"\\\n\r]{1,40}$/).map((q) => `"${q}"`)),
  );

  it('gives the same template whatever values fill the variable parts', () => {
    fc.assert(
      fc.property(fc.array(slot, { minLength: 1, maxLength: 12 }), (slots) => {
        const a = slots.map(([x]) => x).join(' ');
        const b = slots.map(([, y]) => y).join(' ');
        expect(templateMessage(a)).toBe(templateMessage(b));
      }),
      { numRuns: 300 },
    );
  });

  it('never re-expands: outside its placeholders a template only holds input text, in order', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 })),
        (s) => {
          const template = templateMessage(s);
          expect(template.length).toBeLessThanOrEqual(TEMPLATE_MAX_LENGTH + 1);
          let from = 0;
          const missing = template
            .replace(/…$/, '')
            .split(/<[A-Za-z][\w-]*>/)
            .find((piece) => {
              const at = s.indexOf(piece, from);
              from = at + piece.length;
              return at < 0;
            });
          expect(missing).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops the detail (pseudonym, last digits) of every masked placeholder', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(word, hex(10)), { minLength: 1, maxLength: 6 }), (parts) => {
        const template = templateMessage(parts.map(([w, h]) => `${w} <email:${h}>`).join(', '));
        for (const [, h] of parts) expect(template).not.toContain(h);
      }),
    );
  });
});
