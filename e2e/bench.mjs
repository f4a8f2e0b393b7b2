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

// Release .wasm sizes, gzipped.
let total = 0;
for (const f of readdirSync(DIST).filter((f) => f.endsWith('.wasm'))) {
  const gz = gzipSync(readFileSync(join(DIST, f)), { level: 9 }).length;
  total += gz;
  out(`wasm_gzip_${f.replace(/-[0-9a-f]+_bg|_bg/, '').replace('.wasm', '')}`, (gz / 1024).toFixed(1), 'KB');
}
out('wasm_gzip_total', (total / 1024).toFixed(1), 'KB');

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

// Frames per second of the page while four seeds train.
{
  const { page } = await open(ctx, `${srv.url}/?preset=idnns-default&seeds=4`);
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
  out('state_during_fps_measure', await page.evaluate(() => document.querySelector('#lab').dataset.runState), '(state)');
  await page.click('#stop');
  await page.close();
}
// The same jobs natively (the release CLI, one after another, all cores)
// and on the benchmark page (this browser's workers): side by side.
const cli = join(ROOT, 'target', 'release', 'infoplane');
const native = {};
for (const [name, args] of [
  ['idnns_default_run', ['--preset', 'idnns-default']],
  ['saxe_tanh_kde_run', ['--preset', 'saxe-tanh', '--set', 'estimator=kde-upper']],
  ['szt_2017_stored_run_20_seeds', ['--preset', 'szt-2017-stored-run']],
]) {
  const file = join(mkdtempSync(join(tmpdir(), 'infoplane-bench-')), 'run.json');
  const t0 = Date.now();
  execFileSync(cli, ['run', ...args, '--quiet', '--out', file]);
  native[name] = (Date.now() - t0) / 1000;
  out(`native_${name}`, native[name].toFixed(2), 's');
}
{
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/?bench=1`);
  await page.click('#bench-run');
  await page.waitForFunction(() => document.querySelector('#bench')?.dataset.benchState === 'done', null, { timeout: 900000 });
  for (const row of await page.locator('[data-bench]').all()) {
    const name = await row.getAttribute('data-bench');
    const secs = Number(await row.getAttribute('data-seconds'));
    out(`browser_${name}`, secs.toFixed(2), 's');
    if (native[name]) out(`ratio_browser_over_native_${name}`, (secs / native[name]).toFixed(2), '(ratio)');
  }
  await page.close();
}
await ctx.close();
await srv.close();
