/**
 * The Python with pywikibot installed: MWUP_PYWIKIBOT_PYTHON (`.ci/run` sets it up), else `python3`
 * if it can import pywikibot, else null (the pywikibot tests skip).
 */
import { execFileSync } from 'node:child_process';

export function findPython(): string | null {
  const configured = process.env.MWUP_PYWIKIBOT_PYTHON;
  if (configured) return configured;
  try {
    execFileSync('python3', ['-c', 'import pywikibot'], {
      env: { ...process.env, PYWIKIBOT_NO_USER_CONFIG: '2' },
      stdio: 'ignore',
    });
    return 'python3';
  } catch {
    return null;
  }
}
