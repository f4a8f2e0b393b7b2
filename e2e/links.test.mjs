// Links that last: versioned links and the release layout (scripts/dist).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, shot, DIST, ROOT } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const esc = (s) => s.replace(/\./g, '\\.');
let ctx;

before(async () => {
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
});

test('links carry the version; an older v= says what may differ and links to it when the site keeps it', async () => {
  // The release layout of scripts/dist, from this build and a published
  // site of 0.0.8 (its root, named by INFOPLANE_PREVIOUS_VERSION as it
  // names no version) that already kept 0.0.7 under v/.
  const tmp = mkdtempSync(join(tmpdir(), 'infoplane-site-'));
  const [site, prev] = [join(tmp, 'site'), join(tmp, 'prev')];
  cpSync(DIST, site, { recursive: true });
  mkdirSync(join(prev, 'v', '0.0.7'), { recursive: true });
  writeFileSync(join(prev, 'index.html'), '<!DOCTYPE html><html><head><title>infoplane — the published 0.0.8</title></head><body>0.0.8</body></html>');
  writeFileSync(join(prev, 'v', '0.0.7', 'index.html'), '<!DOCTYPE html><title>infoplane — 0.0.7</title>');
  execFileSync(join(ROOT, 'scripts', 'dist'), [prev], {
    env: { ...process.env, INFOPLANE_SKIP_BUILD: '1', INFOPLANE_DIST_DIR: site, INFOPLANE_PREVIOUS_VERSION: '0.0.8' },
    stdio: 'pipe',
  });
  assert.deepEqual(readdirSync(join(site, 'v')).sort(), ['0.0.7', '0.0.8', VERSION].sort());
  assert.match(readFileSync(join(site, 'v', VERSION, 'index.html'), 'utf8'), new RegExp(`infoplane-version" content="${esc(VERSION)}"`));
  assert.ok(existsSync(join(site, 'v', VERSION, 'letter', 'index.html')));
  assert.match(readFileSync(join(site, 'v', '0.0.8', 'index.html'), 'utf8'), /published 0\.0\.8/);
  const host = await serve(site);
  try {
    // An older link: the notice lists the table's changes and links to 0.0.8.
    const { page, errors } = await open(ctx, `${host.url}/?epochs=10&v=0.0.8`);
    const notice = page.locator('#version-notice');
    await notice.waitFor();
    const text = await notice.textContent();
    assert.match(text, new RegExp(`made by infoplane 0\\.0\\.8; this page runs ${esc(VERSION)}, whose numbers may differ`));
    assert.match(text, /the first release/);
    await page.locator('#version-link').waitFor();
    assert.equal(await page.locator('#version-link').getAttribute('href'), `${host.url}/v/0.0.8/?epochs=10&v=0.0.8`);
    await shot(page, 'version-notice');
    // The current version's copy of itself under v/ links beside itself.
    const { page: kept } = await open(ctx, `${host.url}/v/${VERSION}/?v=0.0.7`);
    await kept.locator('#version-link').waitFor();
    assert.equal(await kept.locator('#version-link').getAttribute('href'), `${host.url}/v/0.0.7/?v=0.0.7`);
    // A version the site does not keep: the notice, but no link.
    const { page: gone } = await open(ctx, `${host.url}/?v=0.0.5`);
    await gone.locator('#version-notice').waitFor();
    await gone.waitForTimeout(500);
    assert.equal(await gone.locator('#version-link').count(), 0);
    // The current version: no notice. A malformed one names `v`.
    const { page: same } = await open(ctx, `${host.url}/?epochs=10&v=${VERSION}`);
    await same.waitForTimeout(500);
    assert.equal(await same.locator('#version-notice').count(), 0);
    assert.equal(await same.locator('#url-notice').count(), 0);
    const { page: bad } = await open(ctx, `${host.url}/?v=banana`);
    assert.match(await bad.locator('#url-notice').textContent(), /v: "banana" is not a version X\.Y\.Z/);
    // The notice can be dismissed.
    await gone.click('#version-notice .dismiss');
    assert.equal(await gone.locator('#version-notice').count(), 0);
    // "Copy link" and the embed snippet carry this version (once).
    await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
    await page.click('#copy-link');
    await page.waitForFunction(() => /Link copied/.test(document.querySelector('.share .copied')?.textContent || ''));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.equal(copied, `${host.url}/?epochs=10&v=${VERSION}`);
    await page.click('#embed-open');
    const code = await page.inputValue('#embed-code');
    assert.match(code, new RegExp(`&amp;v=${esc(VERSION)}"`));
    assert.equal(code.match(/v=\d/g).length, 1, code);
    assert.deepEqual(errors, []);
  } finally {
    await host.close();
  }
});
