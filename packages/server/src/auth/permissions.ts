/** MediaWiki's `permissiondenied` error for a missing right, naming the groups that have it. */
import { MwError } from '../errors.js';
import { type GroupPermissions, groupsWithRight } from './rights.js';

const GROUP_PAGES: Record<string, [string, string]> = {
  '*': ['All_users', 'All users'],
  user: ['Users', 'Users'],
  autoconfirmed: ['Autoconfirmed_users', 'Autoconfirmed users'],
  bot: ['Bots', 'Bots'],
  sysop: ['Administrators', 'Administrators'],
  bureaucrat: ['Bureaucrats', 'Bureaucrats'],
  'interface-admin': ['Interface_administrators', 'Interface administrators'],
  suppress: ['Suppressors', 'Suppressors'],
};

/** `permissiondenied` for `right`, with links to the group pages of the wiki `siteName`. */
export function permissionDenied(permissions: GroupPermissions, siteName: string, right: string): MwError {
  const groups = groupsWithRight(right, permissions).filter((g) => g !== '*');
  const site = siteName.replace(/ /g, '_');
  const links = groups.map((g) => {
    const [page, label] = GROUP_PAGES[g] ?? [g, g];
    return `[[${site}:${page}|${label}]]`;
  });
  const info =
    links.length === 0
      ? 'You do not have permission to perform this action.'
      : links.length === 1
        ? `The action you have requested is limited to users in the group: ${links[0]}.`
        : `The action you have requested is limited to users in one of the groups: ${links.join(', ')}.`;
  return new MwError('permissiondenied', info);
}
