/**
 * Guards electron-builder.yml. Parsed with js-yaml, which is not our dependency but electron-builder's
 * (node_modules/js-yaml, transitive); it has no type declarations, hence the narrow local type.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };
const pkg = require('../package.json') as { devDependencies: Record<string, string> };

interface BuilderConfig {
  appId: string;
  productName: string;
  electronVersion: string;
  directories: { output: string };
  files: string[];
  extraMetadata: { main: string };
  asar?: boolean;
  asarUnpack: string[];
  linux: { target: string[]; category: string; desktop?: { entry?: Record<string, string> } };
  win: { target: string[] };
  mac: { target: string[] };
  publish?: unknown;
  electronFuses?: Record<string, boolean>;
}

const config = yaml.load(readFileSync(new URL('../electron-builder.yml', import.meta.url), 'utf8')) as BuilderConfig;

describe('electron-builder.yml', () => {
  test('identity, pinned Electron version (same as package.json) and output folder', () => {
    assert.equal(config.appId, 'dev.watchfloor.app');
    assert.equal(config.productName, 'Watchfloor');
    assert.equal(config.electronVersion, '41.10.0');
    assert.equal(config.electronVersion, pkg.devDependencies.electron);
    assert.equal(config.directories.output, 'release');
  });

  test('ships the built bundles, the manifest and resources, starting at the ESM main bundle', () => {
    for (const pattern of ['dist/**', 'package.json', 'resources/**']) assert.ok(config.files.includes(pattern), pattern);
    assert.ok(!config.files.some((f) => /^(core|electron|renderer|test)\//.test(f)), 'no sources in the package');
    assert.equal(config.extraMetadata.main, 'dist/electron-main.mjs');
  });

  test('DuckDB native module is unpacked from the asar', () => {
    assert.notEqual(config.asar, false);
    assert.ok(config.asarUnpack.includes('node_modules/@duckdb/**'));
  });

  test('targets per platform', () => {
    assert.deepEqual([...config.linux.target].sort(), ['AppImage', 'deb']);
    assert.equal(config.linux.category, 'Utility');
    assert.match(config.linux.desktop?.entry?.Categories ?? '', /^Utility;Monitor;$/);
    assert.deepEqual([...config.win.target].sort(), ['nsis', 'portable']);
    assert.deepEqual([...config.mac.target].sort(), ['dmg', 'zip']);
  });

  test('offline: publishing disabled', () => {
    assert.ok('publish' in config);
    assert.equal(config.publish, null);
  });

  test('packaged binary cannot be turned into a Node runtime', () => {
    assert.equal(config.electronFuses?.runAsNode, false);
    assert.equal(config.electronFuses?.enableNodeOptionsEnvironmentVariable, false);
    assert.equal(config.electronFuses?.onlyLoadAppFromAsar, true);
  });
});
