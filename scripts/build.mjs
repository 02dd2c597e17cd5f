// Builds everything that runs: the renderer (browser bundle), the engine CLI, the workers and the
// Electron main/preload. esbuild, about a second. Usage: node scripts/build.mjs [--watch]
import { build, context } from 'esbuild';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const watch = process.argv.includes('--watch');

await rm(dist, { recursive: true, force: true });
await mkdir(path.join(dist, 'renderer'), { recursive: true });

const workerDir = path.join(root, 'core', 'workers');
const workers = (await readdir(workerDir)).filter((f) => f.endsWith('.worker.ts'));

const nodeCommon = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
};

/** @type {import('esbuild').BuildOptions[]} */
const configs = [
  {
    ...nodeCommon,
    format: 'esm',
    entryPoints: { cli: 'core/cli/main.ts', 'electron-main': 'electron/main.ts', launch: 'electron/launch.ts' },
    outdir: dist,
    outExtension: { '.js': '.mjs' },
    // The Electron main bundle imports 'electron' at run time; it is never bundled.
    external: ['electron'],
  },
  {
    ...nodeCommon,
    format: 'esm',
    entryPoints: Object.fromEntries(workers.map((f) => [f.replace(/\.ts$/, ''), path.join('core/workers', f)])),
    outdir: path.join(dist, 'workers'),
    outExtension: { '.js': '.mjs' },
  },
  {
    // A sandboxed preload must be a single CommonJS file.
    ...nodeCommon,
    format: 'cjs',
    entryPoints: { 'electron-preload': 'electron/preload.ts' },
    outdir: dist,
    outExtension: { '.js': '.cjs' },
    external: ['electron'],
  },
  {
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
    sourcemap: 'linked',
    minify: !watch,
    logLevel: 'warning',
    absWorkingDir: root,
    entryPoints: { app: 'renderer/src/main.tsx' },
    outdir: path.join(dist, 'renderer'),
    jsx: 'automatic',
    loader: { '.woff2': 'file', '.woff': 'file', '.svg': 'file', '.png': 'file' },
    assetNames: 'assets/[name]-[hash]',
    define: { 'process.env.NODE_ENV': JSON.stringify(watch ? 'development' : 'production') },
  },
];

const started = Date.now();
if (watch) {
  for (const c of configs) await (await context(c)).watch();
} else {
  await Promise.all(configs.map((c) => build(c)));
}
await cp(path.join(root, 'renderer', 'index.html'), path.join(dist, 'renderer', 'index.html'));
if (!watch) console.log(`built dist/ in ${Date.now() - started} ms`);
