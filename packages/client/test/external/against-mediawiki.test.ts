/**
 * The client's own suites that matter against a real wiki — the check before sending (unchanged /
 * duplicate), in the library and the CLI, and manifests — run again against MediaWiki 1.39 (the reference wiki
 * of ../shared/refwiki, or any wiki named by MWUP_EXTERNAL_API with MWUP_EXTERNAL_USER/_PASSWORD and
 * MWUP_EXTERNAL_ADMIN_USER/_PASSWORD). Skipped when that wiki does not answer.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '..');
const API = process.env.MWUP_EXTERNAL_API ?? 'http://127.0.0.1:8081/w/api.php';
const SUITES = ['library/precheck.test.ts', 'cli/skip-known.test.ts', 'cli/manifest.test.ts'];

async function answers(api: string): Promise<boolean> {
  try {
    const r = await fetch(`${api}?action=query&meta=siteinfo&format=json`, {
      signal: AbortSignal.timeout(3000),
    });
    return (
      (
        (await r.json()) as { query?: { general?: { generator?: string } } }
      ).query?.general?.generator?.startsWith('MediaWiki') === true
    );
  } catch {
    return false;
  }
}

const up = await answers(API);

describe('the client suites against real MediaWiki', {
  skip: !up && `no MediaWiki answers at ${API}`,
}, () => {
  for (const suite of SUITES) {
    it(suite, { timeout: 600_000 }, async () => {
      // A test run of its own (node:test would take it for a recursive run of this one).
      const { NODE_TEST_CONTEXT: _, ...parentEnv } = process.env;
      const env = {
        ...parentEnv,
        MWUP_TEST_API: API,
        MWUP_TEST_USER: process.env.MWUP_EXTERNAL_USER ?? 'UploadBot@bot',
        MWUP_TEST_PASSWORD: process.env.MWUP_EXTERNAL_PASSWORD ?? 'botpassword1234567890abcdefghijk',
        MWUP_TEST_ADMIN_USER: process.env.MWUP_EXTERNAL_ADMIN_USER ?? 'Admin@bot',
        MWUP_TEST_ADMIN_PASSWORD:
          process.env.MWUP_EXTERNAL_ADMIN_PASSWORD ?? 'adminbotpassword1234567890abcdef',
      };
      const child = spawn(process.execPath, ['--import', 'tsx', '--test', join(ROOT, suite)], {
        cwd: resolve(ROOT, '..'),
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const code = await new Promise<number | null>((res) => child.on('close', res));
      const failed = out.split('\n').filter((l) => /^\s*not ok /.test(l) && !/# SKIP/.test(l));
      assert.equal(code, 0, `${suite} against ${API}:\n${failed.join('\n')}\n${out.slice(-3000)}`);
      assert.match(out, /^# pass [1-9]/m, 'some tests ran');
    });
  }
});
