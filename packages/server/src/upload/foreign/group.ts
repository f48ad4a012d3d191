/**
 * The foreign repositories of the wiki, searched after the local one (MediaWiki's RepoGroup): a
 * name is the first repository's that has it, a SHA-1 is looked up in all of them.
 */
import type { Config } from '../../config/schema.js';
import { type Logger, silentLogger } from '../../log.js';
import { type FileQueryOptions, ForeignApiRepo } from './repo.js';
import { foreignRepoSettings } from './settings.js';
import type { ForeignFile } from './types.js';

export { type ForeignApiRepo, repoInfoKeys } from './repo.js';
export { foreignRepoSettings } from './settings.js';
export type { ForeignFile, ForeignImageInfo, ForeignThumb } from './types.js';

export class ForeignRepos {
  readonly repos: readonly ForeignApiRepo[];

  constructor(config: Config, log: Logger = silentLogger) {
    const http = {
      allowCidrs: config.copyUploads.allowAddresses,
      server: config.server,
    };
    this.repos = foreignRepoSettings(config).map((s) => {
      const hosts = [s.apibase, `${s.scriptDirUrl}/`].flatMap((u) => {
        try {
          return [new URL(u).hostname];
        } catch {
          return [];
        }
      });
      return new ForeignApiRepo(s, { ...http, trustedHosts: [...new Set(hosts)] }, config.lang, log);
    });
  }

  /** Whether there is any foreign repository. */
  get any(): boolean {
    return this.repos.length > 0;
  }

  byName(name: string): ForeignApiRepo | undefined {
    return this.repos.find((r) => r.name === name);
  }

  /** The file of that name in the first repository that has it (all are asked at once), or null. */
  async findFile(dbKey: string, o?: FileQueryOptions): Promise<ForeignFile | null> {
    if (!this.repos.length) return null;
    const found = await Promise.all(this.repos.map((r) => r.findFile(dbKey, o)));
    return found.find((f) => f !== null) ?? null;
  }

  /** Every file with these bytes (hex SHA-1) in every foreign repository. */
  async findBySha1(sha1: string): Promise<ForeignFile[]> {
    if (!this.repos.length) return [];
    return (await Promise.all(this.repos.map((r) => r.findBySha1(sha1)))).flat();
  }
}
