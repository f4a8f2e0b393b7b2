// Links that last: versioned links and the release layout (scripts/dist).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launch, open, shot, waitForState, inkFraction, download, ARTIFACTS, DIST, ROOT } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const VERSION = readFileSync(join(ROOT, 'Cargo.toml'), 'utf8').match(/^version = "([^"]+)"/m)[1];
const esc = (s) => s.replace(/\./g, '\\.');
const SHORT = 'preset=idnns-default&epochs=120&log_samples=20';
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
  assert.ok(existsSync(join(site, 'v', VERSION, 'preview.png')), 'each version keeps its preview image');
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

test('the page loads the worker of its own build; a stale worker gets a message and a reload button', async () => {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const loader = html.match(/<meta name="infoplane-worker" content="\.\/(worker_loader-[0-9a-f]{16}\.js)"/)[1];
  const hash = loader.match(/-([0-9a-f]{16})\.js/)[1];
  const files = readdirSync(DIST);
  assert.ok(files.includes(loader) && files.includes(`worker-${hash}.js`) && files.includes(`worker-${hash}_bg.wasm`), files.join(' '));
  for (const f of ['worker.js', 'worker_bg.wasm', 'worker_loader.js', 'letter.js', 'letter_bg.wasm']) {
    assert.ok(!files.includes(f), `no unhashed ${f}`);
  }
  assert.equal(readFileSync(join(DIST, loader), 'utf8'), `importScripts("./worker-${hash}.js");wasm_bindgen("./worker-${hash}_bg.wasm");`);
  // The letter page names the same worker and its own hashed program.
  const letter = readFileSync(join(DIST, 'letter', 'index.html'), 'utf8');
  assert.ok(letter.includes(loader));
  const prog = letter.match(/<script src="\.\/(letter-[0-9a-f]{16})\.js"><\/script>/)[1];
  assert.ok(files.includes(`${prog}.js`) && files.includes(`${prog}_bg.wasm`), files.join(' '));
  assert.ok(letter.includes(`module_or_path: "./${prog}_bg.wasm"`));
  // Link-preview tags: each page's own title and description.
  for (const [page, title] of [[html, /^infoplane — /], [letter, /^The open letter, claim by claim/]]) {
    const tag = (k) => page.match(new RegExp(`<meta (?:property|name)="${k}" content="([^"]*)"`))?.[1];
    assert.match(tag('og:title'), title);
    assert.equal(tag('twitter:title'), tag('og:title'));
    assert.ok(tag('og:description').length > 50, tag('og:description'));
    assert.equal(tag('og:type'), 'website');
    // The preview image: the information plane of a real idnns-default run.
    assert.equal(tag('twitter:card'), 'summary_large_image');
    assert.equal(tag('og:image'), 'preview.png', 'relative to the site root without INFOPLANE_SITE_URL');
    assert.equal(tag('twitter:image'), tag('og:image'));
    assert.deepEqual([tag('og:image:width'), tag('og:image:height'), tag('og:image:type')], ['1200', '630', 'image/png']);
    assert.match(tag('og:image:alt'), /^Information plane of an infoplane run \(idnns-default, seed 0, 8000 epochs\): I\(X;T\) in bits on the x axis against I\(T;Y\) in bits on the y axis; .*coloured by epoch/);
    assert.equal(tag('twitter:image:alt'), tag('og:image:alt'));
    assert.equal(tag('og:url'), undefined, 'no og:url without INFOPLANE_SITE_URL');
  }

  const srv = await serve(DIST);
  try {
    // The files the page fetches: the hashed worker; a run completes (the
    // pool refuses a worker whose build differs from the page's).
    const page = await ctx.newPage();
    const [requested, workers] = [[], []];
    page.on('request', (r) => requested.push(new URL(r.url()).pathname));
    page.on('worker', (w) => workers.push(new URL(w.url()).pathname));
    await page.goto(`${srv.url}/?${SHORT}`);
    await page.waitForSelector('#lab');
    await page.click('#run');
    assert.equal(await waitForState(page, ['done', 'error']), 'done');
    assert.ok(workers.length > 0 && workers.every((p) => p === `/${loader}`), workers.join(' '));
    assert.ok(!requested.some((p) => /\/worker(_loader)?(_bg)?\.(js|wasm)$/.test(p)), requested.join(' '));
    // The letter page runs on the same worker files.
    const { page: lp, errors: lerr } = await openLetter(`${srv.url}/letter/`);
    assert.deepEqual(lerr, []);
    // Both pages' preview image, resolved as a browser resolves the tag
    // (the letter's page from its <base>): a 1200 × 630 PNG.
    const imageOf = (p) => p.evaluate(() => new URL(document.querySelector('meta[property="og:image"]').content, document.baseURI).href);
    const images = [await imageOf(page), await imageOf(lp)];
    assert.deepEqual(images, [`${srv.url}/preview.png`, `${srv.url}/preview.png`]);
    const res = await fetch(images[1]);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const png = Buffer.from(await res.arrayBuffer());
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the PNG signature');
    assert.equal(png.toString('latin1', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630]);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, 'og-preview.png'), png);
    // Not blank: drawn in the page, it has the plot's ink and colours.
    const drawn = await lp.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const c = document.createElement('canvas');
      [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const colours = new Set();
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) {
        colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) ink++;
      }
      return { colours: colours.size, ink: ink / (d.length / 4) };
    }, images[1]);
    assert.ok(drawn.colours > 500 && drawn.ink > 0.02 && drawn.ink < 0.5, JSON.stringify(drawn));
    await lp.close();

    // A worker of another build, as a cache could serve after a redeploy:
    // its Ready message (tag 0, then the build as a length-prefixed string).
    const stale = await ctx.newPage();
    await stale.route(`**/${loader}`, (route) => route.fulfill({
      contentType: 'text/javascript',
      body: `const b = new TextEncoder().encode("0.0.1+0123456789ab");
        const m = new Uint8Array(9 + b.length); m[0] = 0; m[1] = b.length; m.set(b, 9);
        postMessage(m);`,
    }));
    await stale.goto(`${srv.url}/?${SHORT}&seeds=2`);
    await stale.waitForSelector('#lab');
    await stale.click('#run');
    assert.equal(await waitForState(stale, ['done', 'error']), 'error');
    const msg = await stale.locator('#stale-build').textContent();
    assert.match(msg, /This page and its worker come from different builds/);
    assert.match(await stale.locator('.seed-error').first().textContent(), /\(page [0-9.]+\+[0-9a-f]{12}, worker 0\.0\.1\+0123456789ab\): reload the page/);
    assert.match(await stale.locator('#reload').textContent(), /Reload the page/);
    await shot(stale.locator('.runbar'), 'stale-worker');
    await stale.unroute(`**/${loader}`);
    await Promise.all([stale.waitForNavigation(), stale.click('#reload')]);
    await stale.waitForSelector('#lab');
    assert.equal(await stale.locator('#stale-build').count(), 0);
    await stale.click('#run');
    assert.equal(await waitForState(stale, ['done', 'error']), 'done', 'after the reload, the matching worker runs');
  } finally {
    await srv.close();
  }
});

test('record=URL shows a record from another origin (gzip or not) with every figure; errors are named', async () => {
  const srv = await serve(DIST);
  // A record of a short 2-seed run, exported by the lab.
  const { page: maker } = await open(ctx, `${srv.url}/?preset=idnns-default&epochs=80&log_samples=15&seeds=2`);
  await maker.click('#run');
  assert.equal(await waitForState(maker, ['done', 'error']), 'done');
  const json = (await download(maker, '#export-json')).bytes;
  await maker.close();
  const rec = JSON.parse(json.toString('utf8'));
  assert.equal(rec.engine, VERSION, 'the record names the engine version');
  const cors = { 'access-control-allow-origin': '*' };
  const files = {
    '/run.json.gz': ['application/gzip', gzipSync(json), cors],
    '/run.json': ['application/json', json, cors],
    '/old.json': ['application/json', JSON.stringify({ ...rec, engine: '0.0.8' }), cors],
    '/private.json': ['application/json', json],
    '/hello.json': ['application/json', '{"hello": 1}', cors],
    '/v2.json': ['application/json', JSON.stringify({ ...rec, version: 2 }), cors],
  };
  // The records on "localhost", the lab on "127.0.0.1": two origins.
  const other = await serve(DIST, { host: 'localhost', extra: files, headers: cors });
  const at = (p) => `${srv.url}/?record=${encodeURIComponent(`http://localhost:${other.port}${p}`)}`;
  try {
    const { page, errors } = await open(ctx, at('/run.json.gz'));
    await page.waitForFunction(() => /Loaded .*run\.json\.gz: 2 seed\(s\), shown without recomputing/.test(document.querySelector('#record-notice')?.textContent || ''));
    assert.equal(await waitForState(page, 'done'), 'done');
    assert.equal(await page.inputValue('#param-epochs'), '80', 'the form shows the record\'s experiment');
    for (const f of ['plane', 'gradients', 'snr', 'loss', 'norms']) {
      await page.locator(`#fig-${f}`).scrollIntoViewIfNeeded();
      await page.waitForFunction((s) => Number(document.querySelector(s)?.dataset.drawn || 0) > 0, `#fig-${f}`);
      assert.ok((await inkFraction(page, `#fig-${f}`)) > 0.02, `${f} drawn`);
    }
    assert.equal(await page.locator('#version-notice').count(), 0, 'same engine: no notice');
    // Exports work as for a run: the JSON is the record.
    const again = JSON.parse((await download(page, '#export-json')).bytes.toString('utf8'));
    assert.deepEqual(again.seeds, rec.seeds);
    assert.equal(again.engine, VERSION);
    // The embed snippet shows the same record.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.click('#embed-open');
    const src = (await page.inputValue('#embed-code')).match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&');
    assert.equal(new URL(src).searchParams.get('record'), `http://localhost:${other.port}/run.json.gz`);
    await page.click('#embed-close');
    await shot(page, 'record-url');
    assert.deepEqual(errors, []);

    const { page: plain } = await open(ctx, at('/run.json'));
    await plain.waitForFunction(() => /Loaded/.test(document.querySelector('#record-notice')?.textContent || ''));
    // A record of another engine version: shown, with the version notice.
    const { page: older } = await open(ctx, at('/old.json'));
    await older.waitForFunction(() => /Loaded/.test(document.querySelector('#record-notice')?.textContent || ''));
    assert.match(await older.locator('#version-notice').textContent(), /This record was made by infoplane 0\.0\.8/);

    const failure = async (path, pattern) => {
      const { page: p } = await open(ctx, at(path));
      await p.waitForFunction(() => document.querySelector('#record-notice.bad'), null, { timeout: 15000 });
      const t = await p.locator('#record-notice').textContent();
      assert.match(t, pattern, t);
      assert.equal(await p.evaluate(() => document.querySelector('#lab').dataset.runState), 'idle');
      return p;
    };
    const p = await failure('/private.json', /^record: cannot fetch http:\/\/localhost:\d+\/private\.json: .*Access-Control-Allow-Origin/);
    await shot(p.locator('#record-notice'), 'record-url-cors');
    await failure('/missing.json', /^record: http:\/\/localhost:\d+\/missing\.json answered HTTP 404/);
    await failure('/hello.json', /hello\.json: .*not an infoplane run record/);
    await failure('/v2.json', /v2\.json: .*2 is not supported/);
  } finally {
    await other.close();
    await srv.close();
  }
});

test('a shared link on a phone (390 × 844): run bar and figures first, the form behind one button, figures keep their shape', async () => {
  const srv = await serve(DIST);
  const phone = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  try {
    const { page, errors } = await open(phone, `${srv.url}/?${SHORT}&seeds=2&autorun=1`);
    assert.equal(await waitForState(page, ['done', 'error']), 'done');
    await page.waitForFunction(() => Number(document.querySelector('#fig-plane')?.dataset.drawn || 0) > 0);
    await page.waitForTimeout(300);
    const m = await page.evaluate(() => {
      const r = (s) => document.querySelector(s).getBoundingClientRect();
      const plane = r('#fig-plane');
      return {
        sidebar: getComputedStyle(document.querySelector('#settings')).display,
        toggle: r('#settings-toggle').height,
        runbar: r('.runbar').top,
        plane: { top: plane.top, w: plane.width, h: plane.height },
        scrollW: document.documentElement.scrollWidth,
      };
    });
    assert.equal(m.sidebar, 'none', 'the form waits behind the button');
    assert.ok(m.toggle > 0, 'the button shows');
    assert.ok(m.runbar < 400, `the run bar near the top: ${m.runbar}`);
    assert.ok(m.plane.top < 844, `the plane starts on the first screen: ${m.plane.top}`);
    assert.ok(m.scrollW <= 390, `nothing wider than the phone: ${m.scrollW}`);
    // Two seeds and their mean: three panels stacked, each 5:4 beside the
    // colour bar (about 70 px), so the canvas is 3 (w - 70) / 1.25 high.
    assert.ok(Math.abs(m.plane.h - (3 * (m.plane.w - 70)) / 1.25) <= 1, JSON.stringify(m.plane));
    assert.ok((await inkFraction(page, '#fig-plane')) > 0.02);
    await shot(page, 'phone-390x844');
    // One click shows the form (above the figures); another hides it.
    await page.click('#settings-toggle');
    assert.equal(await page.locator('#settings').isVisible(), true);
    assert.equal(await page.getAttribute('#settings-toggle', 'aria-expanded'), 'true');
    await page.click('#settings-toggle');
    assert.equal(await page.locator('#settings').isVisible(), false);
    assert.deepEqual(errors, []);
  } finally {
    await phone.close();
    await srv.close();
  }
});

/** The colour of pixel (x, y) of canvas `sel`, in device pixels. */
async function pixel(page, sel, x, y) {
  return page.evaluate(([s, x, y]) => [...document.querySelector(s).getContext('2d').getImageData(x, y, 1, 1).data].slice(0, 3), [sel, x, y]);
}

/** Decodes a PNG in the page: its size and the colour of its top-left pixel. */
async function decodePng(page, bytes) {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
    const g = c.getContext('2d');
    g.drawImage(img, 0, 0);
    return { w: img.naturalWidth, h: img.naturalHeight, corner: [...g.getImageData(0, 0, 1, 1).data].slice(0, 3) };
  }, bytes.toString('base64'));
}

test('prefers-color-scheme: dark gives a dark page and dark figures; exports stay light', async () => {
  const srv = await serve(DIST);
  const dark = await launch({ colorScheme: 'dark' });
  try {
    const { page, errors } = await open(dark, `${srv.url}/?${SHORT}&seeds=2&autorun=1`);
    assert.equal(await waitForState(page, ['done', 'error']), 'done');
    await page.waitForFunction(() => Number(document.querySelector('#fig-plane')?.dataset.drawn || 0) > 0);
    const bg = await page.evaluate(() => getComputedStyle(document.body.parentElement).backgroundColor);
    assert.equal(bg, 'rgb(18, 21, 27)', 'the page is dark');
    // The figure's background (its top-left corner) is the dark panel colour.
    assert.deepEqual(await pixel(page, '#fig-plane', 1, 1), [0x1b, 0x1f, 0x27]);
    // Its text and frame are light on dark: some pixels are near the
    // dark theme's ink (#e4e7ec), and white (the light background) is gone.
    const [light, white] = await page.evaluate(() => {
      const c = document.querySelector('#fig-plane');
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let [light, white] = [0, 0];
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) light++;
        if (d[i] === 255 && d[i + 1] === 255 && d[i + 2] === 255) white++;
      }
      return [light / (d.length / 4), white / (d.length / 4)];
    });
    assert.ok(light > 0.002 && light < 0.2, `light ink: ${light}`);
    assert.ok(white < 0.001, `no white background: ${white}`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'dark-theme');
    // The PNG export is drawn light.
    const png = await download(page, '[data-export="plane-png"]');
    const img = await decodePng(page, png.bytes);
    assert.deepEqual(img.corner, [255, 255, 255], 'light');
    const size = await page.evaluate(() => [document.querySelector('#fig-plane').width, document.querySelector('#fig-plane').height]);
    assert.deepEqual([img.w, img.h], size, 'the size of the figure on screen');
    assert.deepEqual(errors, []);
  } finally {
    await dark.close();
    await srv.close();
  }
});

test('each figure has a text alternative and its data as a table (the CSV export\'s values)', async () => {
  const srv = await serve(DIST);
  try {
    const { page, errors } = await open(ctx, `${srv.url}/?${SHORT}&seeds=2&autorun=1`);
    assert.equal(await waitForState(page, ['done', 'error']), 'done');
    for (const f of ['plane', 'gradients', 'snr', 'loss', 'norms']) {
      const desc = await page.getAttribute(`#fig-${f}`, 'aria-describedby');
      assert.equal(desc, `fig-${f}-desc`);
      const text = await page.locator(`#${desc}`).textContent();
      assert.match(text, /at epoch 1 → epoch 120/, `${f}: ${text}`);
    }
    const plane = await page.locator('#fig-plane-desc').textContent();
    // The plane is summarised by the mean of the 2 seeds, six layers.
    assert.match(plane, /^Information plane: I\(X;T\) in bits on the x axis.*For mean of 2 seeds, at epoch 1 → epoch 120, I\(X;T\) and I\(T;Y\) in bits per layer: L1 \([0-9.]+, [0-9.]+\) → \([0-9.]+, [0-9.]+\);.* L6 /, plane);
    // The table: the CSV export's rows, the figure's columns.
    const csv = (await download(page, '#export-csv')).bytes.toString('utf8').trim().split('\n');
    const head = csv[0].split(',');
    await page.click('[data-table="plane"]');
    await page.waitForSelector('#table-plane tbody tr');
    const rows = await page.$$eval('#table-plane tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.equal(rows.length, csv.length - 1, 'one row per CSV row');
    const cols = ['seed', 'epoch', 'layer', 'units', 'ixt', 'ity'].map((c) => head.indexOf(c));
    assert.ok(cols.every((i) => i >= 0), csv[0]);
    for (const k of [0, Math.floor(rows.length / 2), rows.length - 1]) {
      const cells = csv[k + 1].split(',');
      assert.deepEqual(rows[k], cols.map((i) => cells[i]), `row ${k}`);
    }
    await page.locator('#table-plane').scrollIntoViewIfNeeded();
    await shot(page, 'data-table');
    // Loss: once per seed and logged epoch.
    await page.click('[data-table="loss"]');
    await page.waitForSelector('#table-loss tbody tr');
    const lossRows = await page.$$eval('#table-loss tbody tr', (trs) => trs.length);
    assert.equal(lossRows, new Set(csv.slice(1).map((l) => l.split(',').slice(0, 2).join())).size);
    assert.deepEqual(errors, []);
  } finally {
    await srv.close();
  }
});

test('the image embed: a 2× PNG of the figure with its settings, and snippets that render in a plain page', async () => {
  const srv = await serve(DIST);
  try {
    const { page, errors } = await open(ctx, `${srv.url}/?${SHORT}&seeds=2`);
    await page.click('#run');
    assert.equal(await waitForState(page, ['done', 'error']), 'done');
    const css = await page.evaluate(() => [document.querySelector('#fig-plane').clientWidth, document.querySelector('#fig-plane').clientHeight]);
    await page.click('#embed-open');
    await page.selectOption('#embed-figure', 'plane');
    const png = await download(page, '#embed-png');
    assert.equal(png.name, 'idnns-default-plane.png');
    const img = await decodePng(page, png.bytes);
    assert.equal(img.w, 2 * css[0], 'the figure\'s width at 2×');
    assert.ok(img.h >= 2 * css[1] + 2 * (2 * 20), `the figure at 2× and at least two caption lines: ${img.h} for ${css}`);
    assert.deepEqual(img.corner, [255, 255, 255], 'light');
    const html = await page.inputValue('#embed-html');
    const md = await page.inputValue('#embed-md');
    const link = `${srv.url}/?preset=idnns-default&amp;seeds=2&amp;epochs=120&amp;log_samples=20&amp;v=${VERSION}`;
    assert.equal(html, `<a href="${link}"><img src="idnns-default-plane.png" alt="Information plane of an infoplane run (idnns-default, 2 seeds, 120 epochs): I(X;T) in bits on the x axis against I(T;Y) in bits on the y axis, one curve per layer, coloured by epoch" width="900" style="max-width:100%;height:auto"></a>`);
    assert.ok(md.startsWith('[![Information plane of an infoplane run (idnns-default, 2 seeds, 120 epochs): '), md);
    assert.ok(md.endsWith(`](idnns-default-plane.png)](${link.replace(/&amp;/g, '&')})`), md);
    // The HTML snippet in a plain page beside the PNG, as in a blog post.
    const post = mkdtempSync(join(tmpdir(), 'infoplane-post-'));
    writeFileSync(join(post, 'idnns-default-plane.png'), png.bytes);
    writeFileSync(join(post, 'index.html'), `<!DOCTYPE html><html><head><meta charset="utf-8"><title>A post</title></head><body style="font-family:sans-serif;max-width:760px;margin:2rem auto"><h1>A post</h1><p>The information plane of a short run:</p>${html}<p>More text.</p></body></html>`);
    const blog = await serve(post);
    try {
      const reader = await ctx.newPage();
      await reader.goto(`${blog.url}/`);
      await reader.waitForFunction(() => document.querySelector('img')?.complete && document.querySelector('img').naturalWidth > 0);
      assert.equal(await reader.getAttribute('a', 'href'), link.replace(/&amp;/g, '&'));
      assert.match(await reader.getAttribute('img', 'alt'), /^Information plane of an infoplane run/);
      await shot(reader, 'image-embed-post');
      await reader.close();
    } finally {
      await blog.close();
    }
    // A record URL (a heavy run's record next to the post): the links of
    // both snippets show it instead of training; a relative one is refused.
    const rec = 'https://blog.example/posts/run.json.gz';
    await page.fill('#embed-record', rec);
    const hrefOf = async (sel, attr) => new URL((await page.inputValue(sel)).match(new RegExp(`${attr}="([^"]+)"`))[1].replace(/&amp;/g, '&'));
    const withRecord = await hrefOf('#embed-html', 'href');
    assert.equal(withRecord.searchParams.get('record'), rec);
    assert.equal(withRecord.searchParams.get('preset'), 'idnns-default');
    assert.equal(withRecord.searchParams.get('v'), VERSION);
    assert.equal((await hrefOf('#embed-code', 'src')).searchParams.get('record'), rec);
    assert.equal(new URL((await page.inputValue('#embed-md')).match(/\]\((http[^)]+)\)$/)[1]).searchParams.get('record'), rec);
    assert.equal(await page.locator('#embed-record-error').textContent(), '');
    await page.fill('#embed-record', 'run.json');
    assert.match(await page.locator('#embed-record-error').textContent(), /^record URL: "run\.json" is not a full http\(s\) URL/);
    assert.equal((await hrefOf('#embed-html', 'href')).searchParams.get('record'), null);
    assert.deepEqual(errors, []);
  } finally {
    await srv.close();
  }
});

/** Opens the letter page and collects page errors. */
async function openLetter(url) {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('#letter .claim-card');
  await page.waitForTimeout(1000);
  return { page, errors };
}
