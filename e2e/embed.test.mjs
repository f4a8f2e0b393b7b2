// The lab embedded in a third-party page (another origin): figures draw,
// the state/height messages arrive, and training pauses while the iframe
// is scrolled out of view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, inkFraction, shot, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

let app, host, ctx;
const QUERY = 'preset=idnns-default&epochs=6000&log_samples=100&embed=1&autorun=1&view=plane';

before(async () => {
  app = await serve(DIST);
  // The host page is served from "localhost", the app from "127.0.0.1": two origins.
  const page = `<!doctype html><html><head><title>A blog post</title></head><body style="margin:0;font-family:sans-serif">
<h1 style="margin:8px">A blog post about the information plane</h1>
<iframe id="infoplane" src="${app.url}/?${QUERY}" title="infoplane" style="width:1000px;height:600px;border:0"></iframe>
<div style="height:5000px">…more text…</div>
<script>
window.__msgs = [];
addEventListener('message', (e) => {
  if (e.data && e.data.type === 'infoplane:state') {
    window.__msgs.push({ state: e.data.state, height: e.data.height, origin: e.origin });
    document.getElementById('infoplane').style.height = e.data.height + 'px';
  }
});
</script></body></html>`;
  host = await serve(DIST, { extra: { '/host.html': ['text/html; charset=utf-8', page] } });
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await app?.close();
  await host?.close();
});

const lastState = (page) => page.evaluate(() => window.__msgs.at(-1)?.state);

test('embed=1&autorun=1 in a cross-origin iframe draws, reports its height and pauses out of view', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://localhost:${host.port}/host.html`);
  await page.waitForFunction(() => window.__msgs.some((m) => m.state === 'running' && m.height > 200), null, { timeout: 30000 });
  const msg = await page.evaluate(() => window.__msgs.find((m) => m.state === 'running'));
  assert.equal(msg.origin, app.url, 'messages come from the embedded origin');
  const frame = page.frames().find((f) => f.url().startsWith(app.url));
  assert.ok(frame, 'the iframe loaded the lab');
  // Only the figures (and a run bar) and a link to the full lab.
  assert.equal(await frame.locator('.sidebar').count(), 0);
  assert.equal(await frame.locator('#panel-gradients').count(), 0);
  assert.equal(await frame.locator('.header').count(), 0);
  const link = await frame.locator('.open-lab a').getAttribute('href');
  assert.ok(link.includes('preset=idnns-default') && !link.includes('embed'), link);
  await frame.waitForFunction(() => Number(document.querySelector('#fig-plane')?.dataset.drawn || 0) > 0);
  assert.ok((await inkFraction(frame, '#fig-plane')) > 0.02);
  await shot(page, 'embed-host');

  // Scroll the iframe out of view: training pauses.
  await page.evaluate(() => window.scrollTo(0, 4000));
  await page.waitForFunction(() => window.__msgs.at(-1)?.state === 'paused', null, { timeout: 10000 });
  const epochOf = async () => Number((await frame.locator('.seed-status').textContent()).match(/epoch (\d+)/)[1]);
  // The slice in flight when the pause arrived still reports; then nothing.
  await page.waitForTimeout(300);
  const a = await epochOf();
  await page.waitForTimeout(800);
  assert.equal(await epochOf(), a, 'no training while out of view');
  assert.ok(a < 6000, 'paused before the end');
  // Back in view: it resumes by itself.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction(() => window.__msgs.at(-1)?.state === 'running', null, { timeout: 10000 });
  await page.waitForFunction(() => window.__msgs.at(-1)?.state === 'done', null, { timeout: 60000 });
  assert.equal(await lastState(page), 'done');
  // Read together: a height message may still arrive after `done` (the
  // page's last layout), and it would land between two separate reads.
  const [heights, style] = await page.evaluate(() => [
    window.__msgs.map((m) => m.height),
    document.getElementById('infoplane').style.height,
  ]);
  assert.ok(heights.every((h) => h > 200), `heights ${heights}`);
  assert.equal(style, `${heights.at(-1)}px`);
  await shot(page, 'embed-host-done');
  assert.deepEqual(errors, []);
});

test('the Embed dialog writes a snippet that embeds the current experiment', async () => {
  const page = await ctx.newPage();
  await page.goto(`${app.url}/?preset=idnns-relu&epochs=500`);
  await page.click('#embed-open');
  const code = await page.inputValue('#embed-code');
  assert.match(code, /^<iframe id="infoplane" src="http:\/\/127\.0\.0\.1:\d+\/\?preset=idnns-relu&amp;epochs=500&amp;embed=1&amp;view=plane&amp;autorun=1&amp;v=\d+\.\d+\.\d+"/);
  assert.match(code, /infoplane:state/);
  await shot(page, 'embed-dialog');
  await page.click('#embed-close');
  assert.equal(await page.locator('#embed-dialog').count(), 0);
});

test('hide= and view= choose what an embed shows; bad names are reported', async () => {
  const page = await ctx.newPage();
  await page.goto(`${app.url}/?embed=1&view=gradients,snr&hide=runbar,options,bogus`);
  await page.waitForSelector('#lab');
  assert.equal(await page.locator('#panel-plane').count(), 0);
  assert.equal(await page.locator('#fig-gradients').count(), 1);
  assert.equal(await page.locator('.runbar').count(), 0);
  assert.equal(await page.locator('#param-grad_def').count(), 0);
  assert.match(await page.locator('#url-notice').textContent(), /hide: "bogus" is not a control/);
});
