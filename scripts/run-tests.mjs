// Runs the test suites with node's test runner (TypeScript through tsx), one suite after another:
// unit (beside the code), integration (real engine on loopback), e2e (real Chromium; Electron where
// its runtime exists). Usage: node scripts/run-tests.mjs [unit|integration|e2e ...]
// Prints a closing line `N passed, N failed, N skipped` over all suites; exits 1 if any test failed.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const SUITES = {
  unit: { dirs: ['core', 'electron', 'renderer/src', 'scripts', 'test/lint'], concurrency: 2, timeout: 120_000 },
  integration: { dirs: ['test/integration'], concurrency: 1, timeout: 300_000 },
  e2e: { dirs: ['test/e2e', 'test/electron'], concurrency: 1, timeout: 300_000 },
};

async function findTests(dir) {
  const out = [];
  const abs = path.join(root, dir);
  let entries;
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findTests(rel)));
    else if (/\.test\.ts$/.test(e.name)) out.push(rel);
  }
  return out;
}

function run(files, suite) {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      '--test',
      '--test-reporter=tap',
      `--test-concurrency=${suite.concurrency}`,
      `--test-timeout=${suite.timeout}`,
      ...files,
    ];
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const counts = { pass: 0, fail: 0, skipped: 0 };
    let buf = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = /^# (pass|fail|skipped) (\d+)$/.exec(line);
        if (m) counts[m[1]] = Number(m[2]);
      }
    });
    child.on('close', (code) => resolve({ code: code ?? 1, counts }));
  });
}

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SUITES);
const total = { pass: 0, fail: 0, skipped: 0 };
let failed = false;
for (const name of wanted) {
  const suite = SUITES[name];
  if (!suite) {
    console.error(`unknown suite '${name}'; choose from ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  const files = (await Promise.all(suite.dirs.map(findTests))).flat().sort();
  if (!files.length) {
    console.log(`# suite ${name}: no test files`);
    continue;
  }
  console.log(`# suite ${name}: ${files.length} files`);
  const { code, counts } = await run(files, suite);
  console.log(`# suite ${name}: ${counts.pass} passed, ${counts.fail} failed, ${counts.skipped} skipped (exit ${code})`);
  total.pass += counts.pass;
  total.fail += counts.fail;
  total.skipped += counts.skipped;
  if (code !== 0) failed = true;
}
console.log(`${total.pass} passed, ${total.fail} failed, ${total.skipped} skipped`);
process.exit(failed || total.fail > 0 ? 1 : 0);
