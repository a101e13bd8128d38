import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/fixtures.ts';

// renderer/README.md "Folders": the layers inside the renderer, bottom first. A folder may import
// itself and the folders listed for it; a rule covers the folder's subfolders too (at any depth).
const RENDERER = resolve(REPO_ROOT, 'renderer');
const LAYERS: Record<string, string[]> = {
  platform: [],
  client: [],
  state: ['client', 'platform'],
  ui: ['state', 'client', 'platform'],
  packet: ['ui', 'state'],
  inbox: ['ui', 'state'],
  notifications: ['ui', 'state', 'platform'],
  product: ['packet', 'notifications', 'ui', 'state'],
  actions: ['product', 'ui', 'state'],
  lead: ['notifications', 'ui', 'state', 'client'],
  settings: ['ui', 'state', 'platform'],
  app: ['actions', 'inbox', 'lead', 'notifications', 'packet', 'product', 'settings', 'ui', 'state', 'client', 'platform'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Each renderer file's imports of other renderer files, as absolute paths. */
function rendererImports(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(RENDERER)) {
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/(?:^|\s)(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\s)import\s+['"]([^'"]+)['"]/g)].map(
      (m) => (m[1] ?? m[2] ?? m[3])!,
    );
    graph.set(
      file,
      specifiers.filter((s) => s.startsWith('.')).map((s) => resolve(dirname(file), s)).filter((target) => !relative(RENDERER, target).startsWith('..')),
    );
  }
  return graph;
}

/** The top folder of renderer/ a path lies in ('' for files at renderer/ itself). */
const topFolder = (path: string): string => {
  const parts = relative(RENDERER, path).split(sep);
  return parts.length > 1 ? parts[0]! : '';
};
const show = (path: string): string => relative(REPO_ROOT, path).split(sep).join('/');

describe('the layers inside renderer/', () => {
  const graph = rendererImports();

  it('every folder of renderer/ has a rule', () => {
    const folders = readdirSync(RENDERER, { withFileTypes: true })
      .filter((e) => e.isDirectory() && sourceFiles(join(RENDERER, e.name)).length > 0)
      .map((e) => e.name);
    expect(folders.filter((folder) => !(folder in LAYERS))).toEqual([]);
  });

  it('each folder imports only the folders listed for it', () => {
    const violations: string[] = [];
    for (const [file, targets] of graph) {
      const from = topFolder(file);
      for (const target of targets) {
        const to = topFolder(target);
        if (from === to || from === '') continue;
        if (!(LAYERS[from] ?? []).includes(to)) violations.push(`${show(file)} imports ${show(target)} (${from}/ may import ${LAYERS[from]?.join(', ') || 'no other folder'})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('the rules themselves have no cycle, so the folders stack in layers', () => {
    const order: string[] = [];
    const visit = (folder: string, path: string[]): void => {
      if (path.includes(folder)) throw new Error(`layer cycle: ${[...path, folder].join(' -> ')}`);
      if (order.includes(folder)) return;
      for (const below of LAYERS[folder] ?? []) visit(below, [...path, folder]);
      order.push(folder);
    };
    for (const folder of Object.keys(LAYERS)) visit(folder, []);
    expect(order).toHaveLength(Object.keys(LAYERS).length);
  });

  it('no two folders import each other, at any depth', () => {
    const edges = new Map<string, string[]>();
    for (const [file, targets] of graph) {
      for (const target of targets) {
        const from = dirname(file);
        const to = dirname(target);
        if (from === to) continue;
        const key = `${show(from)} -> ${show(to)}`;
        edges.set(key, [...(edges.get(key) ?? []), `${show(file)} imports ${show(target)}`]);
      }
    }
    const both: string[] = [];
    for (const [key, why] of edges) {
      const [from, to] = key.split(' -> ');
      if (edges.has(`${to} -> ${from}`)) both.push(`${key}: ${why.join('; ')}`);
    }
    expect(both).toEqual([]);
  });

  it('no file imports itself through others', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map(show).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) walk(target, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) walk(file, []);
    expect(cycles).toEqual([]);
  });
});

describe('the desktop seam', () => {
  it('only renderer/platform/ reaches the preload bridge; everything else asks the Platform', () => {
    const bridgeUsers = sourceFiles(RENDERER)
      .filter((file) => topFolder(file) !== 'platform')
      .filter((file) => /shared\/protocol\/bridge\.ts|\bBRIDGE_(GLOBAL|EVENTS|INVOKE)\b|\bBatonBridge\b|\bisBatonBridge\b/.test(readFileSync(file, 'utf8')))
      .map(show);
    expect(bridgeUsers).toEqual([]);
  });
});
