/**
 * The layout's import boundaries (STYLE.md), enforced as a test over every source file:
 * 1. core imports nothing from electron/ or renderer/, nor the `electron` package;
 * 2. renderer imports from core only types, only from core/common;
 * 3. only core/storage imports @duckdb/node-api;
 * 4. core/common imports no node: module (it must run in the browser too).
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(rel)));
    else if (/\.(ts|tsx|mts)$/.test(e.name)) out.push(rel);
  }
  return out;
}

interface Import {
  file: string;
  spec: string;
  typeOnly: boolean;
  line: number;
}

const IMPORT_RE = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

async function importsOf(file: string): Promise<Import[]> {
  const text = await readFile(path.join(root, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    const spec = m[3] ?? m[4];
    const line = text.slice(0, m.index).split('\n').length;
    out.push({ file, spec, typeOnly: Boolean(m[2]), line });
  }
  return out;
}

function resolveRel(file: string, spec: string): string | null {
  return spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)) : null;
}

test('core imports neither electron/, renderer/ nor the electron package', async () => {
  const bad: string[] = [];
  for (const file of await sources('core')) {
    for (const imp of await importsOf(file)) {
      const target = resolveRel(file, imp.spec);
      if (imp.spec === 'electron' || target?.startsWith('electron/') || target?.startsWith('renderer/')) {
        bad.push(`${file}:${imp.line} imports ${imp.spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('renderer imports from core only types from core/common', async () => {
  const bad: string[] = [];
  for (const file of await sources('renderer/src')) {
    for (const imp of await importsOf(file)) {
      const target = resolveRel(file, imp.spec);
      if (!target?.startsWith('core/')) continue;
      if (!target.startsWith('core/common/') || !imp.typeOnly) bad.push(`${file}:${imp.line} imports ${imp.spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('only core/storage imports @duckdb/node-api', async () => {
  const bad: string[] = [];
  for (const dir of ['core', 'electron', 'renderer/src', 'test']) {
    for (const file of await sources(dir)) {
      if (file.startsWith('core/storage/')) continue;
      for (const imp of await importsOf(file)) {
        if (imp.spec.startsWith('@duckdb/')) bad.push(`${file}:${imp.line} imports ${imp.spec}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});

test('core/common imports no node: module', async () => {
  const bad: string[] = [];
  for (const file of await sources('core/common')) {
    for (const imp of await importsOf(file)) {
      if (imp.spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto'].includes(imp.spec)) bad.push(`${file}:${imp.line} imports ${imp.spec}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the import scanner sees imports (guards the guards)', async () => {
  const imps = await importsOf('core/engine.ts');
  assert.ok(imps.some((i) => i.spec === './storage/storage.ts'));
  assert.ok(imps.some((i) => i.typeOnly && i.spec === './common/records.ts'));
});
