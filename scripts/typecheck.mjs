// Type-checks the whole tree (core, renderer, electron, tests) with tsc --noEmit.
// electron/ needs the types in node_modules/electron; they are there after a normal install (the
// package installs with its binary download denied). If they are missing, say so and check the rest.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let project = 'tsconfig.json';
let temp = null;
if (!existsSync(path.join(root, 'node_modules', 'electron', 'electron.d.ts'))) {
  console.warn('typecheck: node_modules/electron/electron.d.ts is missing (electron not installed); electron/ is NOT type-checked');
  temp = path.join(root, 'tsconfig.no-electron.json');
  writeFileSync(temp, JSON.stringify({ extends: './tsconfig.json', exclude: ['electron', 'test/electron'] }));
  project = temp;
}
const r = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { cwd: root, stdio: 'inherit' });
if (temp) rmSync(temp, { force: true });
if (r.status === 0) console.log('typecheck: ok');
process.exit(r.status ?? 1);
