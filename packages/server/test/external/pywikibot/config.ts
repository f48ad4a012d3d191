/** A pywikibot configuration directory (PYWIKIBOT_DIR) for one wiki and one bot password. */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function writePywikibotConfig(
  dir: string,
  o: { api: string; family: string; user: string; botName: string; botPassword: string },
): Promise<void> {
  await writeFile(
    join(dir, 'user-config.py'),
    [
      `family_files['${o.family}'] = '${o.api}'`,
      `family = '${o.family}'`,
      `mylang = '${o.family}'`,
      `usernames['${o.family}']['${o.family}'] = '${o.user}'`,
      `password_file = '${join(dir, 'passwords')}'`,
      'put_throttle = 0',
      'minthrottle = 0',
      'maxthrottle = 1',
      'max_retries = 2',
      'retry_wait = 1',
      '',
    ].join('\n'),
  );
  await writeFile(join(dir, 'passwords'), `('${o.user}', BotPassword('${o.botName}', '${o.botPassword}'))\n`);
  await chmod(join(dir, 'passwords'), 0o600);
  await chmod(join(dir, 'user-config.py'), 0o600);
}
