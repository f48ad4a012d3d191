import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { it } from 'node:test';
import { withConfigTable } from '../../src/config/docs.js';

it("README.md's configuration table is the one the schema makes (else: npm run docs:config)", async () => {
  const readme = await readFile(resolve(import.meta.dirname, '../../../../README.md'), 'utf8');
  assert.equal(readme, withConfigTable(readme), 'README.md is out of date: run npm run docs:config');
});
