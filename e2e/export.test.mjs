// Taking results away (PNG, SVG, JSON, CSV), bringing a record back, and
// bringing your own data (with clear errors for malformed files).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launch, open, waitForState, inkFraction, shot, download, DIST, ROOT } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const FIX = join(ROOT, 'e2e', 'fixtures');
const FIGS = ['plane', 'gradients', 'snr', 'loss', 'norms'];
let srv, ctx;

before(async () => {
  srv = await serve(DIST);
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

/** Decodes a PNG in the browser; returns [width, height]. */
async function decodePng(page, bytes) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    return [img.naturalWidth, img.naturalHeight];
  }, bytes.toString('base64'));
}

async function allDrawn(page) {
  const counts = {};
  for (const f of FIGS) {
    await page.locator(`#fig-${f}`).scrollIntoViewIfNeeded();
    await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.drawn || 0) > 0, `#fig-${f}`);
    // Redraws are throttled: let the last one land.
    await page.waitForTimeout(400);
    counts[f] = await page.evaluate((s) => Number(document.querySelector(s).dataset.drawn), `#fig-${f}`);
  }
  return counts;
}

test('every export downloads a valid file, and the JSON re-loads into the same figures', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?preset=idnns-default&epochs=200&log_samples=40&seeds=2`);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  const counts = await allDrawn(page);
  for (const f of FIGS) {
    const png = await download(page, `[data-export="${f}-png"]`);
    assert.equal(png.name, `idnns-default-${f}.png`);
    assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG');
    const [w, h] = await decodePng(page, png.bytes);
    assert.ok(w > 300 && h > 200, `${f}.png decodes to ${w}×${h}`);
    const svg = await download(page, `[data-export="${f}-svg"]`);
    assert.equal(svg.name, `idnns-default-${f}.svg`);
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
      return { error: doc.querySelector('parsererror')?.textContent || null, root: doc.documentElement.nodeName, texts: doc.querySelectorAll('text').length, paths: doc.querySelectorAll('path,polyline,circle,line,rect').length };
    }, svg.bytes.toString('utf8'));
    assert.equal(parsed.error, null, `${f}.svg parses`);
    assert.equal(parsed.root, 'svg');
    assert.ok(parsed.texts > 5 && parsed.paths > 10, `${f}.svg has content: ${JSON.stringify(parsed)}`);
  }
  const json = await download(page, '#export-json');
  const rec = JSON.parse(json.bytes.toString('utf8'));
  assert.equal(rec.format, 'infoplane-run');
  assert.equal(rec.seeds.length, 2);
  const csv = (await download(page, '#export-csv')).bytes.toString('utf8').trim().split('\n');
  assert.equal(csv[0], 'seed,epoch,layer,units,ixt,ity,grad_m,grad_s,wnorm,loss_train,loss_test,acc_train,acc_test');
  assert.equal(csv.length - 1, 2 * rec.seeds[0].epochs.length * rec.layers.length);

  // A fresh page loads the JSON and shows the same figures without computing.
  const { page: viewer } = await open(ctx, `${srv.url}/`);
  await viewer.setInputFiles('#load-json', { name: 'run.json', mimeType: 'application/json', buffer: json.bytes });
  await viewer.waitForSelector('.record-io .status');
  assert.match(await viewer.locator('.record-io .status').textContent(), /Loaded run\.json: 2 seed\(s\)/);
  assert.equal(await waitForState(viewer, 'done'), 'done');
  assert.deepEqual(await allDrawn(viewer), counts, 'the same points in every figure');
  await viewer.evaluate(() => window.scrollTo(0, 0));
  await page.evaluate(() => window.scrollTo(0, 0));
  const pixels = async (p) => p.evaluate(() => document.querySelector('#fig-plane').toDataURL());
  assert.equal(await pixels(viewer), await pixels(page), 'the information plane is drawn pixel for pixel the same');
  assert.ok(viewer.url().includes('preset=idnns-default') && viewer.url().includes('epochs=200'), 'the form takes the record parameters');
  const again = JSON.parse((await download(viewer, '#export-json')).bytes.toString('utf8'));
  assert.deepEqual(again.seeds.map((s) => s.ixt), rec.seeds.map((s) => s.ixt));
  await shot(viewer, 'loaded-record');
  // A JSON that is not a record is refused with a reason.
  await viewer.setInputFiles('#load-json', { name: 'other.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await viewer.waitForFunction(() => /other\.json: not an infoplane run record/.test(document.querySelector('.record-io .error')?.textContent || ''));
  assert.deepEqual(errors, []);
});

test('malformed data files give a clear message and leave the lab usable', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?epochs=60&log_samples=10`);
  await page.setInputFiles('#data-file', join(FIX, 'bad.csv'));
  const fieldError = page.locator('label[for="data-file"] ~ .error');
  await page.waitForFunction(() => /line 3/.test(document.querySelector('#data-file').parentElement.querySelector('.error').textContent));
  assert.equal(await fieldError.textContent(), 'bad.csv: line 3, column 2 ("x2"): "oops" is not a number');
  await shot(page, 'bad-csv');
  await page.setInputFiles('#data-file', [join(FIX, 'bad-images.idx3-ubyte'), join(FIX, 'labels.idx1-ubyte')]);
  await page.waitForFunction(() => /header/.test(document.querySelector('#data-file').parentElement.querySelector('.error').textContent));
  assert.match(await fieldError.textContent(), /images header, data type: 0x0d, expected 0x08 \(unsigned byte\)/);
  await shot(page, 'bad-idx');
  // Still usable: the built-in data runs.
  assert.equal(await page.inputValue('#param-dataset'), 'var_u');
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  assert.deepEqual(errors, []);
});

test('a CSV and MNIST-style IDX files the reader brings are trained on', async () => {
  const { page } = await open(ctx, `${srv.url}/?hidden=6,4&epochs=80&log_samples=20&batch_size=64&split=shuffled`);
  await page.setInputFiles('#data-file', join(FIX, 'two-clusters.csv'));
  await page.waitForFunction(() => /Loaded two-clusters\.csv: 300 rows × 3 features, 2 classes/.test(document.body.textContent));
  assert.equal(await page.inputValue('#param-dataset'), 'custom');
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await page.waitForFunction(() => Number(document.querySelector('#fig-plane')?.dataset.drawn || 0) > 0);
  assert.ok((await inkFraction(page, '#fig-plane')) > 0.02);
  await page.setInputFiles('#data-file', [join(FIX, 'tiny-images.idx3-ubyte'), join(FIX, 'tiny-labels.idx1-ubyte')]);
  await page.waitForFunction(() => /8 rows × 9 features, 2 classes/.test(document.body.textContent));
  await page.fill('#param-train_pct', '50');
  await page.locator('#param-train_pct').press('Tab');
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await shot(page, 'custom-data');
});
