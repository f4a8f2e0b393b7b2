// The lab page: runs, figures, URL round trip, notices, autorun, and the
// same numbers as the native CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, waitForState, inkFraction, shot, DIST, ROOT } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const FIGS = ['#fig-plane', '#fig-gradients', '#fig-snr', '#fig-loss', '#fig-norms'];
const SHORT = 'preset=idnns-default&epochs=200&log_samples=40';
let srv, ctx;

before(async () => {
  srv = await serve(DIST);
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

async function expectDrawn(page, selectors = FIGS) {
  for (const sel of selectors) {
    // Off-screen canvases draw when scrolled into view; data-drawn counts
    // the points drawn (0 while waiting for data).
    await page.locator(sel).scrollIntoViewIfNeeded();
    await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.drawn || 0) > 0, sel);
    const ink = await inkFraction(page, sel);
    assert.ok(ink > 0.02, `${sel} looks blank (ink ${ink})`);
  }
}

test('a short preset runs to completion and every figure is drawn', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?${SHORT}&seeds=2`);
  assert.equal(await waitForState(page, 'idle'), 'idle');
  await page.click('#run');
  await waitForState(page, ['running', 'done']);
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await expectDrawn(page);
  const status = await page.locator('.seed-status').allTextContents();
  assert.equal(status.length, 2);
  assert.ok(status.every((s) => s.includes('epoch 200/200') && s.includes('done')), status.join(' | '));
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'lab-top');
  for (const [sel, name] of [['#panel-plane', 'view-plane'], ['#panel-gradients', 'view-gradients'], ['#panel-loss', 'view-loss'], ['#panel-norms', 'view-norms']]) {
    await shot(page.locator(sel), name);
  }
  // Hovering a drawn point shows its epoch, layer and values.
  // Hover coloured (epoch-coloured) pixels, i.e. drawn points, until a tooltip shows.
  const spots = await page.evaluate(() => {
    const c = document.querySelector('#fig-plane');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const dpr = c.width / c.clientWidth;
    const found = [];
    for (let y = 0; y < c.height; y += 3) {
      for (let x = Math.floor(c.width * 0.08); x < c.width * 0.85; x += 3) {
        const i = 4 * (y * c.width + x);
        if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 90) found.push({ x: x / dpr, y: y / dpr });
      }
    }
    return found.filter((_, k) => k % Math.max(1, Math.floor(found.length / 40)) === 0);
  });
  assert.ok(spots.length > 0, 'no coloured point found on the plane');
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = await page.locator('#fig-plane').boundingBox();
  let tip = null;
  for (const spot of spots.filter((p) => box.y + p.y < 990)) {
    await page.mouse.move(box.x + spot.x, box.y + spot.y);
    if (await page.locator('.tooltip').count()) {
      tip = await page.locator('.tooltip').first().textContent();
      break;
    }
  }
  assert.ok(tip && /layer \d/.test(tip) && /epoch \d+/.test(tip) && /I\(X;T\)/.test(tip), `tooltip: ${tip}`);
  assert.deepEqual(errors, []);
});

test('the speed measurement gives way to a run started at once and is taken when the run ends', async () => {
  // A fresh profile: nothing cached, so the page measures on load (about
  // 0.6 s); the run sent meanwhile stops it, so it cannot read the cores
  // the run shares. It is taken again, and cached, once the run is over.
  const fresh = await launch();
  try {
    const { page, errors } = await open(fresh, `${srv.url}/?preset=idnns-default`);
    const before = await page.locator('#estimate').textContent();
    await page.click('#run');
    assert.match(before, /measuring this browser's speed/, 'the run started before the measurement ended');
    await page.waitForTimeout(1500);
    assert.equal(await page.evaluate(() => document.querySelector('#lab').dataset.runState), 'running');
    assert.equal(await page.evaluate(() => localStorage.getItem('infoplane-speeds')), null, 'measured while the run trained');
    await waitForState(page, 'done');
    await page.waitForFunction(() => localStorage.getItem('infoplane-speeds'), null, { timeout: 30000 });
    const parts = (await page.evaluate(() => localStorage.getItem('infoplane-speeds'))).split(' ');
    assert.equal(parts.length, 4);
    assert.ok(parts.slice(1).every((v) => Number(v) > 0), parts.join(' '));
    await page.waitForFunction(() => /about .* in all/.test(document.querySelector('#estimate')?.textContent || ''));
    assert.deepEqual(errors, []);
  } finally {
    await fresh.close();
  }
});

test('the configuration lives in the URL: edits replace the history entry and a reload restores them', async () => {
  const { page } = await open(ctx, `${srv.url}/?preset=saxe-tanh`);
  const before = await page.evaluate(() => history.length);
  await page.fill('#param-lr', '0.001');
  await page.locator('#param-lr').press('Tab');
  await page.selectOption('#param-activation', 'relu');
  await page.selectOption('#param-plane', 'polylines');
  await page.fill('#param-seeds', '3');
  await page.locator('#param-seeds').press('Tab');
  await page.waitForFunction(() => location.search.includes('seeds=3'));
  const q = new URL(page.url()).search;
  assert.equal(q, '?preset=saxe-tanh&seeds=3&activation=relu&lr=0.001&plane=polylines');
  assert.equal(await page.evaluate(() => history.length), before, 'edits must not push history entries');
  const { page: again } = await open(ctx, page.url());
  assert.equal(await again.inputValue('#param-lr'), '0.001');
  assert.equal(await again.inputValue('#param-activation'), 'relu');
  assert.equal(await again.inputValue('#param-preset'), 'saxe-tanh');
  assert.equal(await again.inputValue('#param-seeds'), '3');
  assert.equal(await again.inputValue('#param-plane'), 'polylines');
  // Defaults are omitted: back to the default value removes the key.
  await again.fill('#param-lr', '0.0004');
  await again.locator('#param-lr').press('Tab');
  await again.waitForFunction(() => !location.search.includes('lr='));
  // An invalid value is flagged beside its field and kept out of the URL.
  await again.fill('#param-epochs', 'many');
  await again.locator('#param-epochs').press('Tab');
  const err = await again.locator('[data-param="epochs"] .error').textContent();
  assert.match(err, /epochs: "many" is not a whole number/);
  assert.ok(!again.url().includes('many'));
  await shot(again, 'field-error');
});

test('a malformed URL shows a notice naming each field and the lab stays usable', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?lr=abc&bogus=1&hidden=10,0&epochs=60&log_samples=10&activation=relu`);
  const notice = await page.locator('#url-notice').textContent();
  for (const key of ['lr', 'bogus', 'hidden']) assert.ok(notice.includes(`${key}:`), `notice names ${key}: ${notice}`);
  assert.equal(await page.inputValue('#param-lr'), '0.0004', 'malformed lr falls back to the default');
  assert.equal(await page.inputValue('#param-activation'), 'relu', 'valid keys still apply');
  await shot(page, 'url-notice');
  await page.click('#url-notice .dismiss');
  assert.equal(await page.locator('#url-notice').count(), 0);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  assert.deepEqual(errors, []);
});

test('autorun=1 starts training on load', async () => {
  const { page } = await open(ctx, `${srv.url}/?${SHORT}&autorun=1`);
  assert.equal(await waitForState(page, ['running', 'done']), 'running');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await expectDrawn(page, ['#fig-plane']);
});

test('pause, step, resume and stop control the run', async () => {
  const { page } = await open(ctx, `${srv.url}/?preset=idnns-default&epochs=3000&log_samples=50`);
  await page.click('#run');
  await waitForState(page, 'running');
  await page.waitForFunction(() => /epoch [1-9]/.test(document.querySelector('.seed-status')?.textContent || ''));
  await page.click('#pause');
  assert.equal(await waitForState(page, 'paused'), 'paused');
  await page.waitForTimeout(300);
  const epochOf = async () => Number((await page.locator('.seed-status').textContent()).match(/epoch (\d+)/)[1]);
  const a = await epochOf();
  await page.waitForTimeout(400);
  assert.equal(await epochOf(), a, 'no progress while paused');
  await page.click('#step');
  await page.waitForFunction((n) => Number(document.querySelector('.seed-status').textContent.match(/epoch (\d+)/)[1]) === n + 1, a);
  await page.click('#resume');
  await waitForState(page, 'running');
  await page.click('#stop');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  assert.match(await page.locator('.seed-status').textContent(), /stopped/);
  await page.click('#reset');
  assert.equal(await waitForState(page, 'idle'), 'idle');
});

test('a NaN run stops that seed with an explanation', async () => {
  const q = 'optimizer=sgd&lr=10&activation=linear&hidden=100,100,100,100&epochs=50&log_schedule=every';
  const { page } = await open(ctx, `${srv.url}/?${q}`);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'error');
  assert.match(await page.locator('.seed-error').textContent(), /NaN or infinite|loss became/);
});

test('the browser computes the same numbers as the native CLI', async () => {
  const query = 'preset=idnns-default&epochs=150&log_samples=30&seeds=2&seed=5';
  const dir = mkdtempSync(join(tmpdir(), 'infoplane-cli-'));
  const out = join(dir, 'cli.json');
  execFileSync(join(ROOT, 'target', 'release', 'infoplane'), [
    'run', '--preset', 'idnns-default', '--set', 'epochs=150', '--set', 'log_samples=30', '--set', 'seed=5', '--seeds', '2', '--quiet', '--out', out,
  ]);
  const cli = JSON.parse(readFileSync(out, 'utf8'));
  const { page } = await open(ctx, `${srv.url}/?${query}`);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const web = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(web.query, cli.query);
  assert.deepEqual(web.params, cli.params);
  assert.equal(web.seeds.length, 2);
  for (let k = 0; k < 2; k++) {
    const [w, c] = [web.seeds[k], cli.seeds[k]];
    for (const key of ['seed', 'epochs', 'ixt', 'ity', 'grad_m', 'grad_s', 'wnorm', 'loss_train', 'loss_test', 'acc_train', 'acc_test', 'grad_stats']) {
      assert.deepEqual(w[key], c[key], `seed ${c.seed}: ${key} differs between browser and CLI`);
    }
  }
  assert.deepEqual(web.mean, cli.mean);
  for (const key of ['layers', 'dataset', 'mi_rows', 'label_entropy', 'max_ixt']) assert.deepEqual(web[key], cli[key], key);
});

test('canvases are sharp on HiDPI screens and follow the page size', async () => {
  const hi = await launch({ deviceScaleFactor: 2, viewport: { width: 1200, height: 900 } });
  try {
    const { page } = await open(hi, `${srv.url}/?${SHORT}&autorun=1`);
    await waitForState(page, 'done');
    const size = () => page.evaluate(() => {
      const c = document.querySelector('#fig-plane');
      return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight };
    });
    await page.waitForTimeout(400);
    const a = await size();
    assert.equal(a.w, Math.round(a.cw * 2), 'backing store is 2× the CSS width');
    assert.equal(a.h, Math.round(a.ch * 2));
    await shot(page.locator('#panel-plane'), 'hidpi-plane');
    await page.setViewportSize({ width: 900, height: 900 });
    await page.waitForFunction((w) => document.querySelector('#fig-plane').width !== w, a.w);
    const b = await size();
    assert.ok(b.cw !== a.cw && b.w === Math.round(b.cw * 2), `resized: ${JSON.stringify(b)}`);
  } finally {
    await hi.close();
  }
});

test('every control has a label and the run can be driven from the keyboard', async () => {
  const { page } = await open(ctx, `${srv.url}/?${SHORT}`);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('input, select, textarea, button, canvas')]
      .filter((el) => {
        const name = el.getAttribute('aria-label') || (el.labels && [...el.labels].map((l) => l.textContent).join('')) || el.textContent;
        return !name || !name.trim();
      })
      .map((el) => el.outerHTML.slice(0, 80)));
  assert.deepEqual(unlabelled, []);
  await page.focus('#run');
  await page.keyboard.press('Enter');
  assert.equal(await waitForState(page, ['running', 'done']), 'running');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
});
