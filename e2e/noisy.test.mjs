// Goldfeld et al.'s noisy network: the preset runs (shortened) and the lab
// shows I(X;T) beside the class clustering per layer against epoch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, open, waitForState, inkFraction, shot, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

// 300 epochs, a dozen logged ones, MI and clustering on the test rows
// (about a fifth of 4096: noisy-sp and the pairwise distances cost
// O(rows²) per layer and logged epoch).
const NOISY = 'preset=goldfeld-noisy-tanh&epochs=300&log_samples=12&mi_rows=test';
let srv, ctx;

before(async () => {
  srv = await serve(DIST);
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

test('the noisy preset draws I(X;T) and class clustering per layer', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?${NOISY}`);
  assert.equal(await waitForState(page, 'idle'), 'idle');
  // Shown by default for this preset, before any run.
  assert.equal(await page.locator('#panel-clustering').isVisible(), true);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  const sel = '#fig-clustering';
  await page.locator(sel).scrollIntoViewIfNeeded();
  // data-drawn counts the points drawn: 2 panels × 6 layers × logged epochs.
  await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.drawn || 0) > 0, sel);
  const drawn = Number(await page.getAttribute(sel, 'data-drawn'));
  assert.ok(drawn > 0 && drawn % 12 === 0, `data-drawn ${drawn}`);
  const ink = await inkFraction(page, sel);
  assert.ok(ink > 0.02, `looks blank (ink ${ink})`);
  const desc = await page.locator(`${sel}-desc`).textContent();
  assert.match(desc, /^I\(X;T\) and class clustering: /, desc);
  assert.match(desc, /at epoch 1 → epoch 300, I\(X;T\) in bits and within\/between-class distance ratio per layer: /, desc);
  for (let l = 1; l <= 6; l++) {
    assert.match(desc, new RegExp(`L${l} \\([0-9.e-]+, [0-9.e-]+\\) → \\([0-9.e-]+, [0-9.e-]+\\)`), `L${l}: ${desc}`);
  }
  assert.ok(!desc.includes('n/a'), desc);
  // Its data as a table: one row per seed, logged epoch and layer.
  await page.click('[data-table="clustering"]');
  await page.waitForSelector('#table-clustering tbody tr');
  const rows = await page.$$eval('#table-clustering tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.equal(rows.length, drawn / 2);
  for (const [, , , w, b, r] of rows.slice(0, 6)) {
    assert.ok(Math.abs(Number(w) / Number(b) - Number(r)) < 1e-12, `${w}/${b} vs ${r}`);
  }
  await page.locator('#panel-clustering').scrollIntoViewIfNeeded();
  await page.click('[data-table="clustering"]'); // closed again for the picture
  await shot(page.locator(sel), 'noisy-clustering');
  assert.deepEqual(errors, []);
});

test('a run without clustering hides the panel; view=clustering says why it is empty', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?preset=idnns-default&epochs=20&log_samples=5`);
  assert.equal(await page.locator('#panel-clustering').isVisible(), false);
  await page.goto(`${srv.url}/?preset=idnns-default&epochs=20&log_samples=5&view=clustering&autorun=1`);
  await page.waitForSelector('#lab');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  await page.waitForFunction(() => document.querySelector('#fig-clustering')?.dataset.drawn === '0');
  const desc = await page.locator('#fig-clustering-desc').textContent();
  assert.match(desc, /no class clustering in this record \(clustering=on records it\)/, desc);
  assert.ok((await inkFraction(page, '#fig-clustering')) > 0, 'the note is drawn');
  assert.deepEqual(errors, []);
});
