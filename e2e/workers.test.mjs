// The workers: a link cannot hang or crash the page (heavy links wait for a
// click, Stop and Pause act at once, the memory guard refuses before any
// worker starts, a dying worker fails only its seed), and spreading a
// seed's MI over idle workers or pausing it changes no number.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, open, waitForState, shot, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

let srv, ctx;

before(async () => {
  srv = await serve(DIST);
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

async function exportRecord(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  return JSON.parse(readFileSync(await download.path(), 'utf8'));
}

/** Every result series of every seed (no wall-clock times). */
function results(rec) {
  const keys = ['seed', 'status', 'epochs', 'ixt', 'ity', 'grad_m', 'grad_s', 'wnorm', 'loss_train', 'loss_test', 'acc_train', 'acc_test', 'grad_stats'];
  return rec.seeds.map((s) => Object.fromEntries(keys.map((k) => [k, s[k]])));
}

async function runToEnd(url) {
  const { page, errors } = await open(ctx, url);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error'], 300000), 'done');
  const rec = await exportRecord(page);
  return { page, errors, rec };
}

const HEAVY = 'hidden=1024,1024,1024,1024,1024,1024&epochs=1000000&autorun=1';

test('a heavy link waits for a click; once started, Pause and Stop act within 0.5 s', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?${HEAVY}`);
  await page.waitForSelector('#held');
  // The estimate's time appears once this browser's speed is measured.
  await page.waitForFunction(() => /Estimate: about .* in all/.test(document.querySelector('#held')?.textContent || ''));
  assert.match(await page.locator('#held').textContent(), /heavy/);
  assert.equal(await page.evaluate(() => document.querySelector('#lab').dataset.runState), 'idle');
  await shot(page, 'workers-heavy-link-held');
  await page.click('#run-anyway');
  await waitForState(page, 'running');
  // Wait until the worker is busy in its first (minute-long) epoch.
  await page.waitForFunction(() => /1 worker training/.test(document.querySelector('#workers')?.textContent || ''), null, { timeout: 30000 });
  await page.waitForTimeout(1500);
  let t0 = Date.now();
  await page.click('#pause');
  await waitForState(page, 'paused', 5000);
  const pausedIn = Date.now() - t0;
  assert.ok(pausedIn < 500, `paused after ${pausedIn} ms`);
  assert.equal((await page.locator('#workers').textContent()).trim(), '', 'no worker left running while paused');
  await page.click('#resume');
  await waitForState(page, 'running');
  await page.waitForTimeout(1000);
  t0 = Date.now();
  await page.click('#stop');
  await waitForState(page, 'done', 5000);
  const stoppedIn = Date.now() - t0;
  assert.ok(stoppedIn < 500, `stopped after ${stoppedIn} ms`);
  assert.match(await page.locator('.seed-status').first().textContent(), /stopped/);
  assert.deepEqual(errors, []);
});

test('a link over the memory guard gets the message and no worker starts', async () => {
  const q = 'hidden=1024,1024,1024,1024,1024,1024&epochs=1000000&seeds=8&estimator=uniform-binning&range=run&autorun=1';
  const { page, errors } = await open(ctx, `${srv.url}/?${q}`);
  assert.equal(await waitForState(page, 'error', 30000), 'error');
  const msg = await page.locator('.run-error').textContent();
  assert.match(msg, /^not started: this run needs about .* over the limit of 2\.0 GB/);
  assert.match(msg, /range=run|range/);
  assert.match(msg, /hidden/);
  await page.waitForTimeout(500);
  assert.equal((await page.locator('#workers').textContent()).trim(), '', 'no worker started');
  await shot(page, 'workers-memory-guard');
  // The page stays usable: a small run goes through.
  await page.goto(`${srv.url}/?preset=idnns-default&epochs=60&log_samples=10`);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  assert.deepEqual(errors, []);
});

const MI = 'preset=idnns-default&epochs=400&log_samples=60&estimator=kde-upper&mi_rows=test&seed=3';

test('idle workers estimate a seed\'s MI, and 1, 2 or 4 workers give the same record', async () => {
  const one = await runToEnd(`${srv.url}/?${MI}&workers=1`);
  const { page: p2 } = await open(ctx, `${srv.url}/?${MI}&workers=2`);
  await p2.click('#run');
  // One trains, the other estimates what it defers.
  await p2.waitForFunction(() => /estimating MI/.test(document.querySelector('#workers')?.textContent || ''), null, { timeout: 60000 });
  assert.equal(await waitForState(p2, ['done', 'error'], 300000), 'done');
  const two = await exportRecord(p2);
  const four = await runToEnd(`${srv.url}/?${MI}&workers=4`);
  assert.deepEqual(results(two), results(one.rec), '2 workers differ from 1');
  assert.deepEqual(results(four.rec), results(one.rec), '4 workers differ from 1');
  assert.ok(one.rec.seeds[0].ixt.flat().every((v) => v !== null), 'every logged epoch has its MI');
});

/** Runs `url` to the end, with every text the worker line showed. */
async function runWatchingWorkers(url) {
  const { page, errors } = await open(ctx, url);
  await page.evaluate(() => {
    window.seen = [];
    const el = document.querySelector('#workers');
    new MutationObserver(() => window.seen.push(el.textContent)).observe(el, { childList: true, subtree: true, characterData: true });
  });
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error'], 300000), 'done');
  const seen = await page.evaluate(() => window.seen);
  assert.ok(seen.some((t) => /training/.test(t)), `the worker line showed the run: ${JSON.stringify(seen)}`);
  const rec = await exportRecord(page);
  assert.ok(rec.seeds[0].ixt.flat().every((v) => v !== null), 'every logged epoch has its MI');
  assert.deepEqual(errors, []);
  await page.close();
  return { seen, rec };
}

test('binned MI goes to an idle worker as the weights (replayed there) unless the trainer needs the activations', async () => {
  const q = 'preset=idnns-default&epochs=1500&log_samples=100';
  // var_u without noise: the helper recomputes the activations from the
  // weights; the record is the one worker's.
  const one = await runWatchingWorkers(`${srv.url}/?${q}&workers=1`);
  const two = await runWatchingWorkers(`${srv.url}/?${q}&workers=2`);
  assert.ok(two.seen.some((t) => /estimating MI/.test(t)), `a worker estimated MI: ${JSON.stringify(two.seen)}`);
  assert.deepEqual(results(two.rec), results(one.rec), '2 workers differ from 1');
  // Class clustering keeps the activations in the trainer: shipping them
  // would cost more than binning them there.
  const kept = await runWatchingWorkers(`${srv.url}/?${q}&clustering=on&workers=2`);
  assert.ok(!kept.seen.some((t) => /estimating MI/.test(t)), `no worker estimated MI: ${JSON.stringify(kept.seen)}`);
});

test('pausing, stepping and resuming a run changes no number', async () => {
  const q = 'preset=idnns-default&epochs=1500&log_samples=100&seeds=2&workers=2';
  const plain = await runToEnd(`${srv.url}/?${q}`);
  const { page, errors } = await open(ctx, `${srv.url}/?${q}`);
  await page.click('#run');
  await waitForState(page, 'running');
  await page.waitForTimeout(400);
  await page.click('#pause');
  await waitForState(page, 'paused');
  await page.click('#step');
  await page.waitForTimeout(600);
  await page.click('#step');
  await page.waitForTimeout(600);
  assert.equal(await page.evaluate(() => document.querySelector('#lab').dataset.runState), 'paused');
  await page.click('#resume');
  await page.waitForTimeout(300);
  await page.click('#pause');
  await waitForState(page, 'paused');
  await page.click('#resume');
  assert.equal(await waitForState(page, ['done', 'error'], 300000), 'done');
  const rec = await exportRecord(page);
  assert.deepEqual(results(rec), results(plain.rec));
  assert.deepEqual(errors, []);
});

test('a worker that dies fails its seed; the other seeds go on and the page stays usable', async () => {
  const q = 'preset=idnns-default&epochs=3000&log_samples=60&seeds=2&workers=2';
  const { page } = await open(ctx, `${srv.url}/?${q}`);
  await page.waitForTimeout(800); // the speed measurement's worker has come and gone
  let armed = true;
  // The next worker loaded dies shortly after it starts (an uncaught error
  // in the worker, as a crash or running out of memory would end it).
  await ctx.route(/worker_loader(-[0-9a-f]+)?\.js/, async (route) => {
    if (!armed) return route.continue();
    armed = false;
    const real = await route.fetch();
    const body = (await real.text()) + '\nsetTimeout(() => { throw new Error("simulated crash"); }, 700);\n';
    await route.fulfill({ response: real, body });
  });
  try {
    await page.click('#run');
    assert.equal(await waitForState(page, ['done', 'error'], 120000), 'error');
    // The error state comes as soon as one seed fails; the other finishes.
    await page.waitForFunction(() => [...document.querySelectorAll('.seed-status')].some((e) => /done/.test(e.textContent)), null, { timeout: 120000 });
    const lines = await page.locator('.seed-error').allTextContents();
    assert.equal(lines.length, 1, lines.join(' | '));
    assert.match(lines[0], /worker stopped unexpectedly/);
    await shot(page, 'workers-crash');
  } finally {
    await ctx.unroute(/worker_loader(-[0-9a-f]+)?\.js/);
  }
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error'], 120000), 'done');
});
