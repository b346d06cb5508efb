// The house's arrows, checked from the source text: a tiny regex parser reads every import and
// re-export under src/ (type-only ones too: a type cycle is still a design cycle), resolves the
// relative ones to files, and the tests refuse arrows that run back up and any cycle.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const SRC = join(ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return walk(p);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Specifiers of `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`. */
export function specifiers(source: string): string[] {
  const noComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  const re = /(?:^|[;\s])(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;
  for (const m of noComments.matchAll(re)) out.push((m[1] ?? m[2])!);
  return out;
}

function resolveImport(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null; // a package
  const base = resolve(dirname(from), spec.replace(/\?.*$/, ''));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  throw new Error(`${relative(ROOT, from)}: cannot resolve import "${spec}"`);
}

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const file of walk(SRC)) {
    const deps = specifiers(readFileSync(file, 'utf8'))
      .map((s) => resolveImport(file, s))
      .filter((d): d is string => d !== null && /\.(ts|tsx)$/.test(d));
    g.set(relative(ROOT, file), [...new Set(deps.map((d) => relative(ROOT, d)))]);
  }
  return g;
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (g.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('import graph of src/', () => {
  const g = graph();

  it('reads imports, re-exports, type-only and dynamic imports', () => {
    expect(specifiers(`import a from './a';\nimport type { B } from "../b";\nexport { c } from './c';\nexport * from './d';\nimport './e.css';\nconst f = await import('./f');\n// import x from './commented';\nimport {\n  g,\n  type H,\n} from './g';`)).toEqual(['./a', '../b', './c', './d', './e.css', './f', './g']);
    expect(g.size).toBeGreaterThan(100);
    expect(g.get('src/storage/datasets.ts')).toContain('src/storage/db.ts');
  });

  it('has no arrow from src/storage to src/worker', () => {
    const bad = [...g].flatMap(([file, deps]) => (file.startsWith('src/storage/') ? deps.filter((d) => d.startsWith('src/worker/')).map((d) => `${file} → ${d}`) : []));
    expect(bad).toEqual([]);
  });

  it('keeps core/ free of the worker, storage, features, app and React', () => {
    const bad = [...g].flatMap(([file, deps]) =>
      file.startsWith('src/core/') ? deps.filter((d) => /^src\/(worker|storage|features|app|components)\//.test(d)).map((d) => `${file} → ${d}`) : [],
    );
    expect(bad).toEqual([]);
    const react = [...g.keys()].filter((f) => f.startsWith('src/core/') && /from ['"]react/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(react).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(g)).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(cycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  });
});
