/** Shared set-up of the file page and file list tests: a wiki with uploaders and browsers. */
import assert from 'node:assert/strict';
import { TestClient } from '../helpers/client.js';
import { createAccount, createBot, type TestServer } from '../helpers/server.js';
import { WebBrowser } from './web-client.js';

/** A browser logged in through Special:UserLogin. */
export async function loggedIn(s: TestServer, name: string, password: string): Promise<WebBrowser> {
  const b = new WebBrowser(s.origin);
  const form = await b.get('/wiki/Special:UserLogin');
  const r = await b.post('/w/index.php?title=Special:UserLogin', {
    wpName: name,
    wpPassword: password,
    wpLoginToken: form.field('wpLoginToken'),
  });
  assert.equal(r.status, 303, `${name} logs in`);
  return b;
}

/** An API client of a new user with a bot password (upload grants). */
export async function apiUser(s: TestServer, name: string): Promise<TestClient> {
  const b = await createBot(s, name);
  const c = new TestClient(s.api);
  await c.login(b.lgname, b.password);
  return c;
}

/** A plain registered user (group `user`: may upload and revert, may not delete), in a browser. */
export async function plainBrowser(s: TestServer, name: string): Promise<WebBrowser> {
  await createAccount(s, { name, password: `${name}-password-1` });
  return loggedIn(s, name, `${name}-password-1`);
}

/** The HTML of `<main>` (the page's own content, without the skin's frame). */
export const mainOf = (text: string): string => text.slice(text.indexOf('<main'), text.indexOf('</main>'));

/** The rows of the first `<tbody>` of `text`, each as its cells' HTML. */
export function tableRows(text: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(text)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!),
  );
}

/** The text of HTML (tags removed, the few entities decoded). */
export const textOf = (h: string): string =>
  h
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();

/** The href of the link with `rel` (prev/next) in a list page, decoded, or null. */
export function relLink(text: string, rel: 'prev' | 'next'): string | null {
  const m = new RegExp(`<a rel="${rel}" href="([^"]+)"`).exec(text);
  return m ? m[1]!.replace(/&amp;/g, '&') : null;
}
