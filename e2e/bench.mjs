// Speed figures of the lab in headless Chromium, printed as `name: value unit`.
//   node e2e/bench.mjs        (after `trunk build --release`)
import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { launch, open, waitForState, DIST, ROOT } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const srv = await serve(DIST);
const ctx = await launch();
const out = (name, value, unit) => console.log(`${name}: ${value} ${unit}`);

// Release .wasm sizes, gzipped, and what each page downloads: the lab its
// program and the worker, the letter page its own program and the worker.
const gz = {};
for (const f of readdirSync(DIST).filter((f) => f.endsWith('.wasm'))) {
  const name = f.replace(/-[0-9a-f]+_bg|_bg/, '').replace('.wasm', '');
  gz[name] = gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length;
  out(`wasm_gzip_${name}`, (gz[name] / 1024).toFixed(1), 'KB');
}
out('wasm_gzip_lab_page', ((gz.app + gz.worker) / 1024).toFixed(1), 'KB');
out('wasm_gzip_letter_page', ((gz.letter + gz.worker) / 1024).toFixed(1), 'KB');

// Interactive: the first figure frame drawn, after navigation start.
{
  const page = await ctx.newPage();
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (!window.__firstDraw && document.querySelector('#fig-plane[data-drawn]')) window.__firstDraw = performance.now();
    }).observe(document, { subtree: true, attributes: true, childList: true });
  });
  await page.goto(`${srv.url}/`);
  await page.waitForFunction(() => window.__firstDraw);
  out('first_figure_frame_after_load', (await page.evaluate(() => window.__firstDraw)).toFixed(0), 'ms');
  await page.close();
}

// The idnns-default preset, one seed, to completion.
{
  const { page } = await open(ctx, `${srv.url}/?preset=idnns-default`);
  const t0 = Date.now();
  await page.click('#run');
  await waitForState(page, 'done', 300000);
  const wall = (Date.now() - t0) / 1000;
  const status = await page.locator('.seed-status').textContent();
  out('idnns_default_one_seed_wall', wall.toFixed(2), 's');
  out('idnns_default_one_seed_worker', status.match(/([\d.]+) s/)[1], 's');
  await page.close();
}

// Frames per second of the page while four seeds train: 20 000 epochs, so
// that the seeds still train when the 5 s window ends on a fast host (the
// preset's 8000 took 7 s in all and finished inside it).
{
  const { page } = await open(ctx, `${srv.url}/?preset=idnns-default&seeds=4&epochs=20000`);
  await page.click('#run');
  await waitForState(page, 'running');
  await page.waitForTimeout(1500);
  const fps = await page.evaluate(() => new Promise((done) => {
    let frames = 0;
    const t0 = performance.now();
    const tick = (t) => {
      frames++;
      if (t - t0 < 5000) requestAnimationFrame(tick);
      else done(frames / ((t - t0) / 1000));
    };
    requestAnimationFrame(tick);
  }));
  out('fps_while_four_seeds_train', fps.toFixed(1), 'frames/s');
  const state = await page.evaluate(() => document.querySelector('#lab').dataset.runState);
  out('state_during_fps_measure', state, '(state)');
  if (state === 'running') await page.click('#stop');
  await page.close();
}
// Issue 11's sweep target: the bin-count sweep (6 values x 4 seeds) against
// the 4-seed run alone. An estimator-only sweep trains each seed once and
// only measures MI per value, so it should take at most twice as long.
{
  const time = async (query) => {
    const { page } = await open(ctx, `${srv.url}/?${query}`);
    const t0 = Date.now();
    await page.click('#run');
    await waitForState(page, 'done', 900000);
    const wall = (Date.now() - t0) / 1000;
    await page.close();
    return wall;
  };
  const four = await time('preset=idnns-default&seeds=4');
  const sweep = await time('preset=idnns-default&seeds=4&sweep=edges:10,20,30,50,100,1000');
  out('idnns_default_four_seeds_wall', four.toFixed(2), 's');
  out('idnns_default_edges_sweep_6x4_wall', sweep.toFixed(2), 's');
  out('ratio_sweep_over_four_seeds', (sweep / four).toFixed(2), '(ratio)');
}
// The letter's Saxe card at its defaults (four seeds of each binning
// configuration and one of each KDE configuration, all at the full 10 000
// epochs): issue 9 asks for at most 90 s on two cores.
{
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/letter/`);
  const card = page.locator('#saxe');
  await card.scrollIntoViewIfNeeded();
  const t0 = Date.now();
  await card.locator('[data-card-run]').click();
  await page.waitForFunction(
    () => ['done', 'error'].includes(document.getElementById('saxe').dataset.cardState), null, { timeout: 900000 },
  );
  out('letter_saxe_card_wall', ((Date.now() - t0) / 1000).toFixed(1), 's');
  out('letter_saxe_card_state', await card.evaluate((c) => c.dataset.cardState), '(state)');
  // The card's own figure: its longest run, start to end.
  const took = (await card.locator('.claim-timing').textContent()).match(/Took ([\d.]+) s/);
  if (took) out('letter_saxe_card_took', took[1], 's');
  await page.close();
}
// The same jobs natively (the release CLI, one after another, all cores)
// and on the benchmark page (this browser's workers): side by side.
const cli = join(ROOT, 'target', 'release', 'infoplane');
const native = {};
for (const [name, args] of [
  ['idnns_default_run', ['--preset', 'idnns-default']],
  ['saxe_relu_run', ['--preset', 'saxe-relu']],
  ['saxe_tanh_kde_run', ['--preset', 'saxe-tanh', '--set', 'estimator=kde-upper']],
  ['szt_2017_stored_run_20_seeds', ['--preset', 'szt-2017-stored-run']],
]) {
  const file = join(mkdtempSync(join(tmpdir(), 'infoplane-bench-')), 'run.json');
  const t0 = Date.now();
  execFileSync(cli, ['run', ...args, '--quiet', '--out', file]);
  native[name] = (Date.now() - t0) / 1000;
  out(`native_${name}`, native[name].toFixed(2), 's');
}
// idnns-default natively on the 4-lane kernels the browser runs (SSE2
// instead of AVX2; the same bits): the browser's cost over the same kernels.
const lane4 = Number(/idnns_default_run_4_lane_kernels: ([\d.]+) s/
  .exec(execFileSync(cli, ['bench', 'idnns-4-lane'], { encoding: 'utf8' }))[1]);
out('native_idnns_default_run_4_lane_kernels', lane4.toFixed(2), 's');
{
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/?bench=1`);
  await page.click('#bench-run');
  await page.waitForFunction(() => document.querySelector('#bench')?.dataset.benchState === 'done', null, { timeout: 900000 });
  for (const row of await page.locator('[data-bench]').all()) {
    const name = await row.getAttribute('data-bench');
    const secs = Number(await row.getAttribute('data-seconds'));
    out(`browser_${name}`, secs.toFixed(2), 's');
    const est = Number(await row.getAttribute('data-estimate'));
    if (est > 0) {
      out(`estimate_before_run_${name}`, est.toFixed(2), 's');
      out(`ratio_measured_over_estimate_${name}`, (secs / est).toFixed(2), '(ratio)');
    }
    if (native[name]) out(`ratio_browser_over_native_${name}`, (secs / native[name]).toFixed(2), '(ratio)');
    if (name === 'idnns_default_run') out(`ratio_browser_over_native_4_lane_${name}`, (secs / lane4).toFixed(2), '(ratio)');
  }
  await page.close();
}
await ctx.close();
await srv.close();
