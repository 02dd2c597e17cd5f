#!/usr/bin/env node
// The `watchfloor` command: runs the built engine (dist/cli.mjs, made by `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write('watchfloor: the engine is not built; run `npm run build` (or `npm install`) first.\n');
  process.exit(1);
}
const { main } = await import(cli);
process.exitCode = await main(process.argv.slice(2));
