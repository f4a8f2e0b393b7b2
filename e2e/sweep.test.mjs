// Sweeps in the lab: a sweep URL runs every (value, seed) pair on the
// workers, draws one small multiple per value and the summary, shows
// per-point progress, and exports a sweep record that the native CLI reads
// back (and that equals the CLI's own sweep bit for bit); the sweep builder
// writes the URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, waitForState, inkFraction, shot, download, ROOT, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const CLI = join(ROOT, 'target', 'release', 'infoplane');
// 3 bin counts (IDNNs' edges) × 2 seeds, short: training is shared by the
// values (only the estimator changes), MI is measured per value.
const SWEEP = 'preset=idnns-default&epochs=120&log_samples=20&seeds=2&sweep=edges:10,30,100';
let srv, ctx;

before(async () => {
  srv = await serve(DIST);
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

test('a sweep URL runs 3 values × 2 seeds, draws every small multiple and the summary, and exports a record the CLI reads back', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?${SWEEP}`);
  assert.equal(await waitForState(page, 'idle'), 'idle');
  // The builder shows the URL's sweep.
  assert.equal(await page.inputValue('#sweep-param'), 'edges');
  assert.equal(await page.inputValue('#sweep-values'), '10,30,100');
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  // Per-point progress: one line per (value, seed), each finished.
  const lines = await page.locator('#sweep-progress .sweep-seed').allTextContents();
  assert.equal(lines.length, 6, lines.join(' | '));
  for (const v of ['10', '30', '100']) {
    for (const s of [0, 1]) {
      assert.ok(lines.some((l) => l.includes(`edges=${v} · seed ${s}`) && l.includes('epoch 120/120') && l.includes('done')), `edges=${v} seed ${s}: ${lines.join(' | ')}`);
    }
  }
  await shot(page.locator('.runbar'), 'sweep-runbar');
  // The sweep's figure area replaces the single-run figures.
  assert.equal(await page.locator('#panel-sweep').isVisible(), true);
  assert.equal(await page.locator('#panel-plane').isVisible(), false);
  assert.match(await page.locator('#h-sweep').textContent(), /Sweep of edges: 10, 30, 100/);
  for (const sel of ['#fig-sweep-summary', '#fig-sweep-multiples']) {
    await page.locator(sel).scrollIntoViewIfNeeded();
    await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.drawn || 0) > 0, sel);
    const ink = await inkFraction(page, sel);
    assert.ok(ink > 0.02, `${sel} looks blank (ink ${ink})`);
  }
  // Every value's panel drew data (the multiples count them).
  await page.waitForFunction(() => document.querySelector('#fig-sweep-multiples')?.dataset.panelsDrawn === '3');
  // The summary has a point per value, layer and panel: 3 values × 6
  // layers × (I(X;T), I(T;Y)) hover targets.
  assert.equal(await page.evaluate(() => Number(document.querySelector('#fig-sweep-summary').dataset.drawn)), 3 * 6 * 2);
  await page.waitForTimeout(400);
  await shot(page.locator('#panel-sweep'), 'sweep-panel');

  // Exports: the sweep record and the summary CSV.
  const json = await download(page, '#export-sweep-json');
  assert.equal(json.name, 'idnns-default-sweep-edges.json');
  const web = JSON.parse(json.text);
  assert.equal(web.format, 'infoplane-sweep');
  assert.equal(web.param, 'edges');
  assert.deepEqual(web.values, ['10', '30', '100']);
  assert.equal(web.points.length, 3);
  assert.ok(web.points.every((p) => p.seeds.length === 2));
  const csv = await download(page, '#export-sweep-csv');
  assert.equal(csv.name, 'idnns-default-sweep-edges-summary.csv');

  // The CLI reads the browser's record back: its summary is the page's CSV.
  const dir = mkdtempSync(join(tmpdir(), 'infoplane-sweep-'));
  const webFile = join(dir, 'web.json');
  writeFileSync(webFile, json.text);
  const summary = execFileSync(CLI, ['summary', webFile], { encoding: 'utf8' });
  assert.equal(summary, csv.text);
  const rows = summary.trim().split('\n');
  assert.equal(rows.length, 1 + 3 * 6);
  // The bin count matters: the 2-unit layer 6 has at most 9² = 81 bins
  // with 10 edges (log2 81 ≈ 6.3 bits) and more with 100, so its final
  // I(X;T) rises (columns: value, epoch, layer, units, n, ixt_mean, …).
  const header = rows[0].split(',');
  const ixt = header.indexOf('ixt_mean');
  const l6 = (v) => Number(rows.find((r) => r.startsWith(`${v},`) && r.split(',')[2] === '6').split(',')[ixt]);
  assert.ok(ixt > 0 && l6(10) < l6(100) && l6(10) <= Math.log2(81), `layer 6: ${l6(10)} bits at 10 edges, ${l6(100)} at 100`);
  // … and the CLI's own sweep of the same settings gives the same numbers.
  const cliFile = join(dir, 'cli.json');
  execFileSync(CLI, [
    'sweep', '--preset', 'idnns-default', '--vary', 'edges=10,30,100', '--set', 'epochs=120', '--set', 'log_samples=20', '--seeds', '2', '--quiet', '--out', cliFile,
  ]);
  const cli = JSON.parse(readFileSync(cliFile, 'utf8'));
  assert.equal(web.query, cli.query);
  assert.deepEqual(web.values, cli.values);
  for (let v = 0; v < 3; v++) {
    for (let k = 0; k < 2; k++) {
      const [w, c] = [web.points[v].seeds[k], cli.points[v].seeds[k]];
      for (const key of ['seed', 'epochs', 'ixt', 'ity', 'loss_train', 'acc_test']) {
        assert.deepEqual(w[key], c[key], `edges=${web.values[v]} seed ${c.seed}: ${key} differs between browser and CLI`);
      }
    }
  }
  assert.equal(summary, execFileSync(CLI, ['summary', cliFile], { encoding: 'utf8' }));

  // Loading the record back shows the same sweep without recomputing.
  const { page: again } = await open(ctx, `${srv.url}/?preset=idnns-default`);
  await again.setInputFiles('#load-json', webFile);
  await again.waitForFunction(() => document.querySelector('#fig-sweep-summary') && !document.querySelector('#panel-sweep').hidden);
  await again.locator('#fig-sweep-multiples').scrollIntoViewIfNeeded();
  await again.waitForFunction(() => document.querySelector('#fig-sweep-multiples')?.dataset.panelsDrawn === '3');
  assert.match(await again.locator('#h-sweep').textContent(), /Sweep of edges: 10, 30, 100/);
  assert.deepEqual(errors, []);
});

test('the sweep builder writes the sweep into the URL and flags bad values', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?preset=idnns-default`);
  await page.selectOption('#sweep-param', 'activation');
  // A menu starts with every choice.
  assert.match(await page.inputValue('#sweep-values'), /tanh/);
  await page.fill('#sweep-values', 'tanh,relu');
  await page.locator('#sweep-values').press('Tab');
  await page.waitForFunction(() => location.search.includes('sweep=activation:'));
  assert.match(new URL(page.url()).search, /sweep=activation:(tanh,relu|relu,tanh)/);
  // The URL restores the builder.
  const { page: again } = await open(ctx, page.url());
  assert.equal(await again.inputValue('#sweep-param'), 'activation');
  // A value the parameter does not take is named beside the sweep row.
  await again.fill('#sweep-values', 'tanh,sigmoidal');
  await again.locator('#sweep-values').press('Tab');
  const err = await again.locator('[data-param="sweep"] .error').textContent();
  assert.match(err, /sigmoidal/);
  await shot(again.locator('.sweep-builder').locator('..'), 'sweep-builder');
  // A sweep whose values change nothing (bins is not read by IDNNs'
  // binning) is pointed out.
  await again.selectOption('#sweep-param', 'bins');
  await again.fill('#sweep-values', '10,30');
  await again.locator('#sweep-values').press('Tab');
  await again.waitForFunction(() => location.search.includes('sweep=bins:10,30'));
  assert.match(await again.locator('.sweep-idle').textContent(), /Every value gives the same experiment: bins changes nothing/);
  // Back to no sweep: the key leaves the URL.
  await again.selectOption('#sweep-param', '');
  await again.waitForFunction(() => !location.search.includes('sweep='));
  assert.deepEqual(errors, []);
});

test('the letter\'s "Bins decide the picture" card runs its sweeps (shortened), draws them and judges them', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/letter/#bins-decide`);
  await page.waitForSelector('#bins-decide [data-card-run]');
  await page.fill('#bins-decide-epochs', '300');
  await page.fill('#bins-decide-seeds', '2');
  await page.locator('#bins-decide [data-card-run]').click();
  await page.waitForFunction(() => ['done', 'error'].includes(document.getElementById('bins-decide').dataset.cardState), null, { timeout: 300000 });
  assert.equal(await page.evaluate(() => document.getElementById('bins-decide').dataset.cardState), 'done');
  // Progress: 2 sweeps × 4 bin counts × 2 seeds, and 2 exact runs × 2 seeds.
  const lines = await page.locator('#bins-decide .claim-progress li').allTextContents();
  assert.equal(lines.length, 2 * 4 * 2 + 2 * 2, lines.join(' | '));
  assert.ok(lines.some((l) => l.startsWith('ReLU, bin counts · edges=1000 · seed 1:')), lines.join(' | '));
  const canvases = await page.locator('#bins-decide canvas').evaluateAll((cs) => cs.map((c) => c.id));
  assert.equal(canvases.length, 4, canvases.join(' '));
  for (const id of canvases) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await page.waitForFunction((c) => Number(document.getElementById(c)?.dataset.drawn || 0) > 0, id);
    assert.ok((await inkFraction(page, `#${id}`)) > 0.02, `${id} looks blank`);
  }
  const headline = await page.locator('#bins-decide .verdict-headline').textContent();
  assert.match(headline, /^Seeds 0–1: the bin count sets the final I\(X;T\) in \d of \d+ layers of the tanh network and \d of \d+ layers of the ReLU network\.$/);
  const details = await page.locator('#bins-decide .verdict-details li').allTextContents();
  // Six layers per network, each named with its lowest and highest bin
  // count (or one level at every bin count).
  assert.equal(details.length, 12, details.join('\n'));
  assert.ok(details.every((d) => /^(tanh|ReLU) L\d: (from .* bits \(.*\) to .* bits \(.*\), a range|.* bits at every bin count;)/.test(d)), details.join('\n'));
  await page.waitForTimeout(400);
  await shot(page.locator('#bins-decide'), 'letter-bins-decide');
  await shot(page.locator('#bins-decide .claim-figures'), 'letter-bins-decide-figures');
  assert.deepEqual(errors, []);
});
