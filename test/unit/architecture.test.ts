import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.ts';

// docs/architecture.md "The parts and who may import whom": who may import whom. Checked here so it does not rest on memory.
const RULES: Record<string, { mayImport: string[]; nodeBuiltins: boolean; forbiddenPackages: RegExp[] }> = {
  shared: { mayImport: ['shared'], nodeBuiltins: false, forbiddenPackages: [/^socket\.io/, /^electron/, /^react/, /^@electric-sql/, /^pg$/, /^fastify/, /^pino/] },
  renderer: { mayImport: ['shared', 'renderer'], nodeBuiltins: false, forbiddenPackages: [/^electron/, /^socket\.io$/, /^@electric-sql/, /^pg$/, /^fastify/, /^pino/] },
  hub: { mayImport: ['shared', 'hub'], nodeBuiltins: true, forbiddenPackages: [/^electron/, /^react/] },
  electron: { mayImport: ['shared', 'electron', 'hub'], nodeBuiltins: true, forbiddenPackages: [/^react/] },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)];
  return specifiers.map((m) => (m[1] ?? m[2])!);
}

describe('the import rules between the parts', () => {
  for (const [part, rule] of Object.entries(RULES)) {
    it(`${part}/ imports only ${rule.mayImport.join(', ')}${rule.nodeBuiltins ? ' and Node' : ''}`, () => {
      const root = resolve(REPO_ROOT, part);
      const violations: string[] = [];
      let files: string[] = [];
      try {
        files = sourceFiles(root);
      } catch {
        return; // the part has no code yet
      }
      for (const file of files) {
        for (const specifier of importsOf(file)) {
          const where = `${relative(REPO_ROOT, file)} imports ${specifier}`;
          if (specifier.startsWith('.')) {
            const target = relative(REPO_ROOT, resolve(file, '..', specifier)).split(/[\\/]/)[0]!;
            if (!rule.mayImport.includes(target)) violations.push(where);
          } else if (specifier.startsWith('node:')) {
            if (!rule.nodeBuiltins) violations.push(where);
          } else if (rule.forbiddenPackages.some((p) => p.test(specifier))) {
            violations.push(where);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('electron/ reaches the hub only through hub/hub.ts, to start the embedded hub', () => {
    let files: string[] = [];
    try {
      files = sourceFiles(resolve(REPO_ROOT, 'electron'));
    } catch {
      return;
    }
    const reaches = files.flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.') && relative(REPO_ROOT, resolve(file, '..', s)).startsWith('hub'))
        .map((s) => relative(REPO_ROOT, resolve(file, '..', s))),
    );
    expect(reaches.filter((p) => p !== join('hub', 'hub.ts'))).toEqual([]);
  });
});

/** Every file of the repository a person or a tool reads: code, config, scripts and docs. */
function repositoryFiles(dir: string = REPO_ROOT): string[] {
  const skipped = new Set(['node_modules', '.git', 'dist', 'release', 'test-results', '.data']);
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return skipped.has(entry.name) ? [] : repositoryFiles(path);
    if (entry.name === 'package-lock.json') return [];
    return /\.(m?[jt]sx?|cjs|json|sh|md|ya?ml|html|css|sql)$/.test(entry.name) || relative(REPO_ROOT, path) === join('.ci', 'run') ? [path] : [];
  });
}

describe('the repository stands on its own', () => {
  it('no file reads, imports or links a path outside the repository', () => {
    const outside: string[] = [];
    for (const file of repositoryFiles()) {
      for (const m of readFileSync(file, 'utf8').matchAll(/(?:\.\.[\\/])+[\w.-]+(?:[\\/][\w.-]+)*/g)) {
        const target = relative(REPO_ROOT, resolve(file, '..', m[0]));
        if (target.startsWith('..')) outside.push(`${relative(REPO_ROOT, file)}: ${m[0]}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('design notes are cited from docs/, not from a page outside the repository', () => {
    const page = ['DESIGN', 'md'].join('.');
    const citing = repositoryFiles().filter((file) => readFileSync(file, 'utf8').includes(page));
    expect(citing.map((file) => relative(REPO_ROOT, file))).toEqual([]);
  });
});
