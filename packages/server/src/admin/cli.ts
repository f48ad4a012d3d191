#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generatePassword } from '../auth/password.js';
import { GRANT_PERMISSIONS } from '../auth/rights.js';
import { UserService } from '../auth/users.js';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/index.js';
import { MwError } from '../errors.js';
import { orphanGraceMs } from '../maintenance.js';
import { openBlobStore } from '../storage/open.js';
import { checkConsistency, formatReport } from './check/index.js';
import { UPLOAD_GRANTS } from './first-start.js';
import { OAUTH_TOKEN_HELP, oauthTokenCommand } from './oauth-token-command.js';

const HELP = `mwup-admin: manage a mwup wiki (uses MWUP_DATA_DIR / MWUP_CONFIG like the server)

  create-user NAME [--password P] [--groups g1,g2]   create an account (password generated if absent)
  set-password NAME [--password P]                   set (or generate) an account's password
  add-groups NAME g1,g2                              add groups (sysop, bot, bureaucrat, …)
  remove-groups NAME g1,g2                           remove groups
  bot-password NAME APPID [--grants a,b] [--password P]
                                                     create or replace the bot password NAME@APPID
                                                     (default grants: basic,highvolume,editpage,
                                                     createeditmovepage,uploadfile,uploadeditmovefile)
  delete-bot-password NAME APPID                     remove a bot password
${OAUTH_TOKEN_HELP}
  list-users                                         accounts, groups and bot passwords
  grants                                             the grants a bot password can hold
  check [--sha1] [--json] [--repair] [--grace SECONDS]
                                                     check that the database and the blob store agree
                                                     (exit 0: consistent, 1: not, 2: could not check);
                                                     --sha1 reads every file and compares its SHA-1,
                                                     --repair deletes orphaned blobs older than the
                                                     grace period (default, as maintenance: 1 day, or
                                                     twice uploads.stashMaxAgeSeconds if longer)

Options: --data-dir DIR (default: $MWUP_DATA_DIR or ./data)`;

const list = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      password: { type: 'string' },
      groups: { type: 'string' },
      grants: { type: 'string' },
      name: { type: 'string' },
      expiry: { type: 'string' },
      'data-dir': { type: 'string' },
      sha1: { type: 'boolean' },
      json: { type: 'boolean' },
      repair: { type: 'boolean' },
      grace: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, ...args] = positionals;
  if (values.help || !cmd) {
    console.log(HELP);
    return values.help ? 0 : 2;
  }
  if (cmd === 'grants') {
    for (const [g, rights] of Object.entries(GRANT_PERMISSIONS))
      console.log(`${g.padEnd(20)} ${rights.join(', ')}`);
    return 0;
  }
  const env = { ...process.env };
  if (values['data-dir']) env.MWUP_DATA_DIR = values['data-dir'];
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(`mwup-admin: ${e.message}`);
    return 2;
  }
  if (cmd === 'check') return check(config, values);
  const dbh = await openDatabase(config.database);
  const users = new UserService(dbh.db);
  const need = async (name: string | undefined) => {
    const u = name ? await users.byName(name) : null;
    if (!u) throw new MwError('nosuchuser', `No such user: ${name ?? '(none given)'}`);
    return u;
  };
  try {
    switch (cmd) {
      case 'create-user': {
        const password = values.password ?? generatePassword(20);
        const u = await users.create(args[0] ?? '', password, list(values.groups));
        console.log(`created ${u.name} (id ${u.id})${values.password ? '' : ` with password ${password}`}`);
        break;
      }
      case 'set-password': {
        const u = await need(args[0]);
        const password = values.password ?? generatePassword(20);
        await users.setPassword(u.id, password);
        console.log(`password of ${u.name} set${values.password ? '' : ` to ${password}`}`);
        break;
      }
      case 'add-groups':
      case 'remove-groups': {
        const u = await need(args[0]);
        for (const g of list(args[1])) {
          if (cmd === 'add-groups') await users.addGroup(u.id, g);
          else await users.removeGroup(u.id, g);
        }
        console.log(`${u.name}: ${(await users.byId(u.id))!.groups.join(', ') || '(no groups)'}`);
        break;
      }
      case 'bot-password': {
        const u = await need(args[0]);
        if (!args[1]) throw new MwError('badappid', 'Give the bot name (APPID).');
        const grants = values.grants ? list(values.grants) : UPLOAD_GRANTS;
        const pw = await users.createBotPassword(u.id, args[1], grants, values.password);
        console.log(`lgname=${u.name}@${args[1]}${values.password ? '' : ` lgpassword=${pw}`}`);
        console.log(`grants: ${grants.join(', ')}`);
        break;
      }
      case 'delete-bot-password': {
        const u = await need(args[0]);
        const ok = await users.deleteBotPassword(u.id, args[1] ?? '');
        console.log(ok ? 'deleted' : 'no such bot password');
        break;
      }
      case 'oauth-token': {
        await oauthTokenCommand(
          dbh.db,
          users,
          args,
          {
            ...(values.grants !== undefined ? { grants: list(values.grants) } : {}),
            ...(values.name !== undefined ? { name: values.name } : {}),
            ...(values.expiry !== undefined ? { expiry: values.expiry } : {}),
          },
          UPLOAD_GRANTS,
        );
        break;
      }
      case 'list-users': {
        const rows = await dbh.db.selectFrom('users').select(['id', 'name']).orderBy('id').execute();
        for (const r of rows) {
          const u = (await users.byId(r.id))!;
          const bps = await users.listBotPasswords(u.id);
          console.log(
            `${u.id}\t${u.name}\t${u.groups.join(',') || '-'}\t${bps.map((b) => `${u.name}@${b.appId}[${b.grants.join(',')}]`).join(' ')}`,
          );
        }
        break;
      }
      default:
        console.error(`unknown command: ${cmd}\n\n${HELP}`);
        return 2;
    }
    return 0;
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await dbh.close();
  }
}

/** `check`: 0 consistent, 1 not, 2 when the check could not be made. */
async function check(
  config: Config,
  o: { sha1?: boolean; json?: boolean; repair?: boolean; grace?: string },
): Promise<number> {
  const graceSeconds = o.grace === undefined ? null : Number(o.grace);
  if (graceSeconds !== null && !(Number.isFinite(graceSeconds) && graceSeconds >= 0)) {
    console.error(`mwup-admin: --grace expects seconds (a number ≥ 0), got ${JSON.stringify(o.grace)}`);
    return 2;
  }
  // Opening a database that is not there would make an empty one (and find it consistent).
  if (config.database.driver === 'sqlite' && !existsSync(config.database.file)) {
    console.error(`mwup-admin check: no database at ${config.database.file}`);
    return 2;
  }
  let dbh: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    dbh = await openDatabase(config.database);
    const report = await checkConsistency(dbh.db, await openBlobStore(config.storage), {
      sha1: o.sha1 ?? false,
      repair: o.repair ?? false,
      graceMs: graceSeconds === null ? orphanGraceMs(config) : graceSeconds * 1000,
    });
    console.log(o.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (e) {
    console.error(`mwup-admin check: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  } finally {
    await dbh?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
