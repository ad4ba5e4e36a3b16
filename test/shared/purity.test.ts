import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SHARED = join(import.meta.dirname, '../../shared');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Value imports (type-only imports are erased and load nothing at run time). */
function valueImports(text: string): string[] {
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*import\s+(?!type\s)[^'"]*?from\s+'([^']+)'/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) specs.push(m[1]!);
  return specs;
}

describe('the processing core', () => {
  it('imports nothing from @aws-sdk or aws-lambda, directly or through a relative import', () => {
    const files = sources(SHARED).filter((f) => !relative(SHARED, f).startsWith('adapters/'));
    expect(files.length).toBeGreaterThan(40);
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of valueImports(readFileSync(file, 'utf8'))) {
        const rel = relative(SHARED, join(file, '..', spec));
        if (spec.startsWith('@aws-sdk/') || spec === 'aws-lambda' || rel.startsWith('adapters/')) {
          offenders.push(`${relative(SHARED, file)} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
