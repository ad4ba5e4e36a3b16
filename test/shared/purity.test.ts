import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Architecture rules (HELPERS.md "Layer rules"), checked on the import graph of the repository's own sources.
 * Type-only imports count for the layer rules (they still couple the layers); only the AWS-free core rule
 * ignores them, since an erased import loads nothing at run time.
 */

const ROOT = join(import.meta.dirname, '../..');
const LAYERS = ['shared', 'functions', 'infra', 'cli', 'local', 'bench', 'test'] as const;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'fixtures') return [];
    if (e.isDirectory()) return sources(join(dir, e.name));
    return /\.(ts|mts|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [];
  });
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** Static imports and re-exports (multi-line too), side-effect imports and dynamic `import('…')`. */
function importsOf(text: string): Import[] {
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?\sfrom\s+['"]([^'"]+)['"]/gm)) {
    found.push({ spec: m[3]!, typeOnly: m[2] !== undefined });
  }
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm))
    found.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ spec: m[1]!, typeOnly: false });
  return found;
}

/** A source file by its repository-relative path (`functions/process/app.ts`) and text. */
type Source = { path: string; text: string };

/**
 * Every import that breaks a layer rule, as `file → import (rule)`. Paths are repository-relative with `/`.
 */
function layerViolations(files: readonly Source[]): string[] {
  const out: string[] = [];
  for (const { path, text } of files) {
    const [layer, sub] = path.split('/');
    for (const { spec } of importsOf(text)) {
      if (!spec.startsWith('.')) continue;
      const target = join(dirname(path), spec).split(sep).join('/');
      const [tLayer, tSub] = target.split('/');
      const fail = (rule: string) => out.push(`${path} → ${spec} (${rule})`);
      if (layer === 'shared' && tLayer !== 'shared') fail('shared/ imports nothing outside itself');
      if (layer === 'functions' && tLayer === 'functions' && tSub !== sub) {
        fail('functions/X never imports functions/Y');
      }
      if (layer === 'infra' && tLayer === 'functions') fail('infra/ imports no functions/ module');
      if (layer !== 'bench' && tLayer === 'bench') fail('nothing outside bench/ imports bench/');
      if (layer === 'cli' && tLayer === 'local') {
        fail('cli/ reaches the local stack only through shared/local/state.ts');
      }
    }
  }
  return out;
}

function repoSources(): Source[] {
  return LAYERS.flatMap((layer) =>
    sources(join(ROOT, layer)).map((file) => ({
      path: relative(ROOT, file).split(sep).join('/'),
      text: readFileSync(file, 'utf8'),
    })),
  );
}

describe('layer rules', () => {
  it('hold for every source file of the repository', () => {
    const files = repoSources();
    // Guards against a broken walk that checks nothing.
    expect(files.filter((f) => f.path.startsWith('shared/')).length).toBeGreaterThan(80);
    expect(files.filter((f) => f.path.startsWith('functions/')).length).toBeGreaterThan(8);
    expect(files.filter((f) => f.path.startsWith('cli/')).length).toBeGreaterThan(8);
    expect(layerViolations(files)).toEqual([]);
  });

  it('catch one breach of each rule, including type-only and multi-line imports', () => {
    const breaches: Source[] = [
      { path: 'shared/mask/x.ts', text: "import { a } from '../../local/stack.ts';" },
      { path: 'functions/redrive/x.ts', text: "import type {\n  A,\n  B,\n} from '../process/app.ts';" },
      { path: 'infra/stacks/x.ts', text: "export { METRIC } from '../../functions/process/handler.ts';" },
      { path: 'local/demo.ts', text: "const c = await import('../bench/corpus.ts');" },
      { path: 'cli/commands/x.ts', text: "import '../../local/dev-config.ts';" },
    ];
    expect(layerViolations(breaches)).toEqual([
      'shared/mask/x.ts → ../../local/stack.ts (shared/ imports nothing outside itself)',
      'functions/redrive/x.ts → ../process/app.ts (functions/X never imports functions/Y)',
      'infra/stacks/x.ts → ../../functions/process/handler.ts (infra/ imports no functions/ module)',
      'local/demo.ts → ../bench/corpus.ts (nothing outside bench/ imports bench/)',
      'cli/commands/x.ts → ../../local/dev-config.ts (cli/ reaches the local stack only through shared/local/state.ts)',
    ]);
    // Allowed: within a function, shared from anywhere, bench from bench, cli → shared/local/state.ts.
    const allowed: Source[] = [
      { path: 'functions/process/handler.ts', text: "import { x } from './app.ts';" },
      { path: 'infra/app.ts', text: "import { loadConfig } from '../shared/config/load.ts';" },
      { path: 'bench/core.ts', text: "import { corpus } from './corpus.ts';" },
      { path: 'cli/commands/tail.ts', text: "import { readLocalState } from '../../shared/local/state.ts';" },
    ];
    expect(layerViolations(allowed)).toEqual([]);
  });
});

describe('the processing core', () => {
  it('imports nothing from @aws-sdk or aws-lambda, directly or through a relative import', () => {
    const core = repoSources().filter(
      (f) => f.path.startsWith('shared/') && !f.path.startsWith('shared/adapters/'),
    );
    expect(core.length).toBeGreaterThan(40);
    const offenders: string[] = [];
    for (const { path, text } of core) {
      for (const { spec, typeOnly } of importsOf(text)) {
        if (typeOnly) continue;
        const target = join(dirname(path), spec).split(sep).join('/');
        if (spec.startsWith('@aws-sdk/') || spec === 'aws-lambda' || target.startsWith('shared/adapters/')) {
          offenders.push(`${path} → ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
