/** Special:UserLogin and Special:UserLogout as forms: MediaWiki's field names, the API's rules. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createAccount, startTestServer, type TestServer } from '../helpers/server.js';
import { WebBrowser } from './web-client.js';

describe('logging in and out through the pages', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ loginThrottle: { count: 3, windowSeconds: 300 } });
  });
  after(() => s?.close());

  it('/ leads to Special:Upload; the login form has MediaWiki field names and a strict CSP', async () => {
    const b = new WebBrowser(s.origin);
    const home = await b.get('/');
    assert.equal(home.status, 302);
    assert.equal(home.location, '/wiki/Special:Upload');
    const form = await b.get('/wiki/Special:UserLogin');
    assert.equal(form.status, 200);
    for (const field of ['wpName', 'wpPassword', 'wpLoginToken', 'wpRemember', 'wpLoginAttempt'])
      assert.match(form.text, new RegExp(`name="${field}"`));
    assert.match(form.csp ?? '', /script-src 'self'/);
    assert.doesNotMatch(form.text, /<script>|<style>|style="/, 'no inline scripts or styles');
    assert.match(form.text, />Log in</);
  });

  it('logs in with the right password, shows who is logged in, and logs out with a token', async () => {
    const b = new WebBrowser(s.origin);
    const form = await b.get('/wiki/Special:UserLogin?returnto=Special:ListFiles');
    const done = await b.post('/w/index.php?title=Special:UserLogin', {
      wpName: 'Admin',
      wpPassword: 'admin-password-123',
      wpLoginToken: form.field('wpLoginToken'),
      returnto: form.field('returnto'),
      wpLoginAttempt: 'Log in',
    });
    assert.equal(done.status, 303);
    assert.equal(done.location, '/wiki/Special:ListFiles');
    assert.match(b.setCookies.join('\n'), /HttpOnly; SameSite=Lax/);
    const again = await b.get('/wiki/Special:UserLogout');
    assert.match(again.text, /Logged in as <a href="\/wiki\/User:Admin">Admin<\/a>/);
    // A logout without the token changes nothing.
    const forged = await b.post('/w/index.php?title=Special:UserLogout', { wpEditToken: 'nope' });
    assert.equal(forged.status, 200);
    assert.match((await b.get('/wiki/Special:UserLogout')).text, /Logged in as/);
    const out = await b.post('/w/index.php?title=Special:UserLogout', {
      wpEditToken: again.field('wpEditToken'),
    });
    assert.equal(out.status, 303);
    assert.doesNotMatch((await b.get('/wiki/Special:UserLogin')).text, /Logged in as/);
  });

  it('shows MediaWiki’s error in the page for a wrong password, and throttles as the API does', async () => {
    const b = new WebBrowser(s.origin);
    let reason = '';
    for (let i = 0; i < 4; i++) {
      const form = await b.get('/wiki/Special:UserLogin');
      const r = await b.post('/w/index.php?title=Special:UserLogin', {
        wpName: 'Admin',
        wpPassword: 'wrong password',
        wpLoginToken: form.field('wpLoginToken'),
      });
      assert.equal(r.status, 200);
      reason = r.alert ?? '';
      if (i === 0) assert.equal(reason, 'Incorrect username or password entered. Please try again.');
    }
    assert.match(reason, /too many recent login attempts/);
  });

  it('never returns to another site, and answers unknown special pages with 404', async () => {
    await createAccount(s, { name: 'Returner', password: 'returner-password-1' });
    const b = new WebBrowser(s.origin);
    const form = await b.get('/wiki/Special:UserLogin');
    const r = await b.post('/w/index.php?title=Special:UserLogin', {
      wpName: 'Returner',
      wpPassword: 'returner-password-1',
      wpLoginToken: form.field('wpLoginToken'),
      returnto: '//evil.example/x',
    });
    assert.equal(r.location, '/wiki/Special:Upload');
    assert.equal((await b.get('/wiki/Special:NoSuchPage')).status, 404);
  });
});
