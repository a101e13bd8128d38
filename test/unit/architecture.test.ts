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
      for (const file of sourceFiles(root)) {
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
    const reaches = sourceFiles(resolve(REPO_ROOT, 'electron')).flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.') && relative(REPO_ROOT, resolve(file, '..', s)).startsWith('hub'))
        .map((s) => relative(REPO_ROOT, resolve(file, '..', s))),
    );
    expect(reaches.filter((p) => p !== join('hub', 'hub.ts'))).toEqual([]);
  });
});

/**
 * Inside the hub, from the bottom up: the store; what stands on it alone (auth, outboxes, webhooks,
 * the HTTP toolkit); the transaction kernel (`core/`: Tx, Effects, failures, rooms, announcements);
 * the messaging platforms' clients and their outbox; routing and the handoff lifecycle; the features (agents' presence, lead, product, ingress); the
 * service that composes the commands; the ways in (`api/` over HTTP, `sockets/`); and on top the
 * hub itself (`hub.ts`, `cli.ts`) and the demo. A folder (with everything below it, at any depth)
 * may import only the folders listed for it.
 */
const HUB_LAYERS: Record<string, string[]> = {
  store: [],
  auth: ['store'],
  outbox: ['store'],
  webhooks: ['store', 'outbox'],
  http: ['auth'],
  admin: ['store', 'auth'],
  oidc: ['store', 'auth', 'admin'],
  core: ['store', 'webhooks'],
  platforms: ['store', 'auth', 'outbox', 'admin', 'core'],
  routing: ['core', 'store', 'webhooks'],
  handoffs: ['core', 'routing', 'store', 'auth', 'webhooks', 'platforms'],
  agents: ['core', 'routing', 'store'],
  ingress: [],
  lead: ['core', 'store', 'auth', 'agents', 'routing', 'handoffs'],
  product: ['core', 'store', 'handoffs', 'admin', 'outbox', 'webhooks'],
  service: ['core', 'store', 'auth', 'agents', 'routing', 'handoffs', 'lead', 'product'],
  api: ['http', 'service', 'core', 'store', 'auth', 'handoffs', 'ingress', 'lead', 'product', 'platforms', 'oidc'],
  sockets: ['http', 'service', 'core', 'store', 'auth'],
  cluster: ['service', 'store'],
  demo: ['admin', 'store', 'webhooks'],
};

/** Imports between the folders directly inside `part` (files at its top level are the composition, `.`). */
function folderImports(part: string): Map<string, Map<string, string[]>> {
  const root = resolve(REPO_ROOT, part);
  const folderOf = (file: string) => (relative(root, file).split(/[\\/]/).length > 1 ? relative(root, file).split(/[\\/]/)[0]! : '.');
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(root)) {
    for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
      const target = resolve(file, '..', specifier);
      if (relative(root, target).startsWith('..')) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      const byTarget = edges.get(from) ?? new Map<string, string[]>();
      byTarget.set(to, [...(byTarget.get(to) ?? []), `${relative(REPO_ROOT, file)} imports ${specifier}`]);
      edges.set(from, byTarget);
    }
  }
  return edges;
}

describe('the layers inside the hub', () => {
  const edges = folderImports('hub');

  it('names a layer for every folder of the hub', () => {
    const folders = readdirSync(resolve(REPO_ROOT, 'hub'), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((folder) => !(folder in HUB_LAYERS))).toEqual([]);
  });

  for (const [folder, allowed] of Object.entries(HUB_LAYERS)) {
    it(`hub/${folder}/ imports only ${allowed.length ? allowed.join(', ') : 'shared/'} of the hub`, () => {
      const outside = [...(edges.get(folder) ?? [])].filter(([to]) => !allowed.includes(to)).flatMap(([, where]) => where);
      expect(outside).toEqual([]);
    });
  }
});

describe('no cycles', () => {
  for (const part of ['hub']) {
    it(`no two folders inside ${part}/ import each other`, () => {
      const edges = folderImports(part);
      const both = [...edges].flatMap(([from, targets]) => [...targets.keys()].filter((to) => from < to && edges.get(to)?.has(from)).map((to) => `${from} <-> ${to}`));
      expect(both).toEqual([]);
    });
  }

  it('no file imports itself through others, anywhere in the code', () => {
    const files = ['shared', 'hub', 'renderer', 'electron', 'bench', 'test', 'build'].flatMap((dir) => sourceFiles(resolve(REPO_ROOT, dir)));
    const graph = new Map(files.map((file) => [file, importsOf(file).filter((s) => s.startsWith('.')).map((s) => resolve(file, '..', s))]));
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const cycles: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') cycles.push(path.slice(path.indexOf(next)).map((f) => relative(REPO_ROOT, f)).join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
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
