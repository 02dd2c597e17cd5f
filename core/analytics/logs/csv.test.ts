import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, parseCsv } from './csv.ts';

test('CSV round trip with quotes, commas and line breaks', () => {
  const fields = ['plain', 'a,b', 'say "hi"', 'two\nlines', ''];
  const text = `${fields.map(csvField).join(',')}\r\nx,y\n`;
  assert.deepEqual(parseCsv(text), [fields, ['x', 'y']]);
});
