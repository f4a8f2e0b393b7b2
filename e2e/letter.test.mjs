// The letter page: table of contents, every card's run with its figures and
// a verdict computed from the run (a different seed changes it), the
// worked-example calculator, embedding one card, and "Open in the lab".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, inkFraction, shot, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const IDS = [
  'fig4-as-coded', 'cumulative-means', 'caption-normalisation', 'axis-labels', 'worked-example',
  'relu-gradients', 'seeds-information-plane', 'caption-architecture', 'relu-binning', 'saxe', 'stored-run',
];
// Reduced settings per card, to keep the file within a few minutes on two cores.
const SHORT = {
  'fig4-as-coded': { epochs: 1000 },
  'cumulative-means': { epochs: 1000 },
  'caption-normalisation': { epochs: 1000 },
  'axis-labels': { epochs: 200 },
  'relu-gradients': { epochs: 1000 },
  'seeds-information-plane': { epochs: 600, seeds: 4 },
  'caption-architecture': { epochs: 800 },
  'relu-binning': { epochs: 800 },
  'saxe': { epochs: 300 },
  'stored-run': { epochs: 500, seeds: 2 },
};
// A host page embedding one card, recording the messages it posts.
const HOST = `<!doctype html><meta charset="utf-8"><title>host</title>
<script>window.msgs = []; addEventListener('message', (e) => window.msgs.push(e.data));</script>
<iframe id="frame" src="/letter/?embed=1#axis-labels" style="width:1100px;height:900px"></iframe>`;

let srv, ctx;

before(async () => {
  srv = await serve(DIST, { extra: { '/host.html': ['text/html; charset=utf-8', HOST] } });
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

/** Opens the letter page (`suffix` after `/letter/`), collecting page errors. */
async function openLetter(suffix = '') {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/letter/${suffix}`);
  await page.waitForSelector('#letter .claim-card');
  return { page, errors };
}

const stateOf = (page, id) => page.evaluate((i) => document.getElementById(i).dataset.cardState, id);

/** Fills a card's inputs, clicks Run and waits until the card is done. */
async function runCard(page, id, { seed, epochs, seeds } = {}) {
  const card = page.locator(`#${id}`);
  await card.scrollIntoViewIfNeeded();
  if (seed !== undefined) await page.fill(`#${id}-seed`, String(seed));
  if (epochs !== undefined) await page.fill(`#${id}-epochs`, String(epochs));
  if (seeds !== undefined) await page.fill(`#${id}-seeds`, String(seeds));
  const t0 = Date.now();
  await card.locator('[data-card-run]').click();
  await page.waitForFunction((i) => document.getElementById(i).dataset.cardState !== 'idle', id);
  await page.waitForFunction(
    (i) => ['done', 'error'].includes(document.getElementById(i).dataset.cardState), id, { timeout: 180000 },
  );
  assert.equal(await stateOf(page, id), 'done', `${id} ended in error: ${await card.textContent()}`);
  return Date.now() - t0;
}

/** Every canvas of the card is drawn (points drawn, not blank). */
async function expectDrawn(page, id) {
  const canvases = await page.locator(`#${id} canvas`).evaluateAll((cs) => cs.map((c) => c.id));
  assert.ok(canvases.length > 0, `${id} has no figure`);
  for (const cid of canvases) {
    await page.locator(`#${cid}`).scrollIntoViewIfNeeded();
    await page.waitForFunction((c) => Number(document.getElementById(c)?.dataset.drawn || 0) > 0, cid, { timeout: 20000 });
    const ink = await inkFraction(page, `#${cid}`);
    assert.ok(ink > 0.02, `${cid} looks blank (ink ${ink})`);
  }
  return canvases;
}

const verdictOf = (page, id) => page.locator(`#${id} [data-verdict]`).textContent();

/** Numbers in a text (e.g. 274, 0.457, 12.00, ×2.31). */
const numbers = (text) => (text.match(/\d+(\.\d+)?/g) || []);

test('the page lists the 11 claims in order, with a table of contents and anchors', async () => {
  const { page, errors } = await openLetter();
  assert.equal(await page.locator('h1').textContent(), 'The open letter, claim by claim');
  const ids = await page.locator('.claim-card').evaluateAll((cs) => cs.map((c) => c.id));
  assert.deepEqual(ids, IDS);
  const toc = await page.locator('#letter-toc a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(toc, IDS.map((id) => `/letter/#${id}`));
  for (const id of IDS) {
    assert.equal(await stateOf(page, id), id === 'worked-example' ? 'done' : 'idle');
    assert.equal(await page.locator(`#${id} h2`).count(), 1, `${id} has one heading`);
  }
  // Headings in order: one h1, then h2 for the contents and each card, h3 inside cards.
  const levels = await page.locator('h1, h2, h3, h4, h5, h6').evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
  for (let k = 1; k < levels.length; k++) assert.ok(levels[k] <= levels[k - 1] + 1, `heading jump at ${k}: ${levels}`);
  // Every control has a label.
  const unlabelled = await page.locator('input, select').evaluateAll((els) => els.filter((e) => !e.labels?.length).map((e) => e.id));
  assert.deepEqual(unlabelled, []);
  // The contents link to each card on this page (not the lab, despite <base href="../">).
  await page.click('#letter-toc a[href$="#relu-binning"]');
  await page.waitForFunction(() => location.hash === '#relu-binning');
  assert.match(page.url(), /\/letter\/#relu-binning$/);
  assert.equal(await page.locator('#to-lab').getAttribute('href'), './');
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'letter-top');
  // A link to a claim opens the page scrolled to it.
  const { page: linked } = await openLetter('#cumulative-means');
  await linked.waitForFunction(() => {
    const r = document.getElementById('cumulative-means').getBoundingClientRect();
    return r.top >= -2 && r.top < 60;
  });
  assert.deepEqual(errors, []);
});

test('every card runs its configuration, draws its figures and judges the run', async () => {
  const { page, errors } = await openLetter();
  const times = {};
  for (const id of IDS.filter((i) => i !== 'worked-example')) {
    times[id] = await runCard(page, id, SHORT[id]);
    const canvases = await expectDrawn(page, id);
    const verdict = await verdictOf(page, id);
    assert.ok(verdict.trim().length > 40, `${id}: verdict "${verdict}"`);
    assert.ok(numbers(verdict).length >= 4, `${id}: verdict has no measured numbers: ${verdict}`);
    assert.match(verdict, /[Ss]eeds? \d/, `${id}: verdict names its seed`);
    // The card states its settings, seeds and how long it took.
    const card = page.locator(`#${id}`);
    assert.match(await card.locator('.config-query').first().textContent(), new RegExp(`epochs=${SHORT[id].epochs}`));
    assert.match(await card.locator('.claim-seeds').textContent(), /seeds? \d/);
    assert.match(await card.locator('.claim-timing').textContent(), /^Took \d+\.\d s on this machine/);
    assert.ok((await card.locator('.claim-rule').textContent()).length > 60, `${id}: no rule`);
    assert.ok((await card.locator('[data-lab-link]').count()) >= 1);
    await card.scrollIntoViewIfNeeded();
    await shot(card, `letter-${id}`);
    console.log(`${id}: ${times[id]} ms, ${canvases.length} figure(s)`);
  }
  assert.deepEqual(errors, []);
});

test('a different seed changes the verdict\'s numbers', async () => {
  const { page } = await openLetter();
  for (const [id, opts] of [['axis-labels', { epochs: 100 }], ['fig4-as-coded', { epochs: 600 }], ['seeds-information-plane', { epochs: 300, seeds: 2 }]]) {
    await runCard(page, id, { ...opts, seed: 0 });
    const a = await verdictOf(page, id);
    await runCard(page, id, { ...opts, seed: 5 });
    const b = await verdictOf(page, id);
    assert.notEqual(a, b);
    // Not only the seed's name: the measured numbers differ too.
    const strip = (t) => t.replace(/[Ss]eeds? [\d–]+/g, '');
    assert.notDeepEqual(numbers(strip(a)), numbers(strip(b)), `${id}: same numbers for seeds 0 and 5`);
    assert.match(b, /[Ss]eeds? 5/);
  }
});

test('the worked example computes the letter\'s numbers and names a malformed field', async () => {
  const { page, errors } = await openLetter('#worked-example');
  const out = async (sel) => (await page.locator(sel).textContent()).trim();
  assert.equal(await out('#calc-mean-1'), '5');
  assert.equal(await out('#calc-std-1'), '1.189');
  assert.equal(await out('#calc-cmean-2'), '10');
  assert.equal(await out('#calc-cstd-2'), '1.682');
  const steps = await page.locator('#worked-example .calc-steps').textContent();
  for (const s of ['[3, 4]', '[1, 1]', '1.414', '5 + 5', '√(1.414 + 1.414)']) assert.ok(steps.includes(s), `step ${s} missing: ${steps}`);
  await shot(page.locator('#worked-example'), 'letter-worked-example');
  // Other numbers, one layer only.
  await page.fill('#calc-l1', '1, 2, 3; 3, 2, 1');
  await page.fill('#calc-l2', '');
  // Element-wise mean [2, 2, 2]: ‖·‖ = √12.
  assert.equal(await out('#calc-mean-1'), '3.464');
  assert.equal(await page.locator('#calc-cmean-2').count(), 0);
  // Malformed input: a message naming the field, and the card in error.
  await page.fill('#calc-l2', '2,3; 4,five');
  assert.equal(await out('#calc-error'), 'Layer 2 gradients: "five" in batch 2 is not a number');
  assert.equal(await stateOf(page, 'worked-example'), 'error');
  await shot(page.locator('#worked-example'), 'letter-worked-example-error');
  await page.fill('#calc-l2', '2,3; 4,5');
  assert.equal(await stateOf(page, 'worked-example'), 'done');
  assert.deepEqual(errors, []);
});

test('embed=1 shows only the card the hash names and posts its state to the host', async () => {
  const { page, errors } = await openLetter('?embed=1#worked-example');
  assert.deepEqual(await page.locator('.claim-card').evaluateAll((cs) => cs.map((c) => c.id)), ['worked-example']);
  assert.equal(await page.locator('#letter-toc').count(), 0);
  assert.equal(await page.locator('h1').count(), 0);
  assert.equal(await out(page, '#calc-cstd-2'), '1.682');
  await shot(page, 'letter-embed-worked-example');
  // Inside a host page: state messages with the height, through a run.
  const host = await ctx.newPage();
  await host.goto(`${srv.url}/host.html`);
  const frame = host.frameLocator('#frame');
  await frame.locator('#axis-labels').waitFor();
  await host.waitForFunction(() => window.msgs.some((m) => m.type === 'infoplane:state' && m.state === 'idle'));
  await frame.locator('#axis-labels-epochs').fill('100');
  await frame.locator('#axis-labels [data-card-run]').click();
  await host.waitForFunction(() => window.msgs.some((m) => m.state === 'done'), null, { timeout: 60000 });
  const msgs = await host.evaluate(() => window.msgs);
  const states = msgs.map((m) => m.state);
  assert.deepEqual([...new Set(states)], ['idle', 'running', 'done']);
  const done = msgs.find((m) => m.state === 'done');
  assert.ok(done.height > 300, `height ${done.height}`);
  assert.equal(await frame.locator('.claim-card').count(), 1);
  await shot(host, 'letter-embed-host');
  assert.deepEqual(errors, []);
});

async function out(page, sel) {
  return (await page.locator(sel).textContent()).trim();
}

test('"Open in the lab" carries the card\'s configuration to the lab', async () => {
  const { page } = await openLetter('#relu-gradients');
  await page.fill('#relu-gradients-seed', '7');
  await page.fill('#relu-gradients-epochs', '1234');
  const link = page.locator('#relu-gradients [data-lab-link]');
  assert.equal(await link.getAttribute('href'), './?preset=idnns-relu&epochs=1234&seed=7');
  await link.click();
  await page.waitForSelector('#lab');
  const url = new URL(page.url());
  assert.equal(url.pathname, '/');
  assert.equal(url.searchParams.get('preset'), 'idnns-relu');
  assert.equal(url.searchParams.get('epochs'), '1234');
  assert.equal(url.searchParams.get('seed'), '7');
  assert.equal(await page.inputValue('#param-preset'), 'idnns-relu');
  assert.equal(await page.inputValue('#param-epochs'), '1234');
  assert.equal(await page.inputValue('#param-seed'), '7');
  // A card's figure options travel too (card 4 opens with the original labels).
  const { page: p4 } = await openLetter('#axis-labels');
  assert.equal(await p4.locator('#axis-labels [data-lab-link]').getAttribute('href'), './?preset=idnns-default&labels=original');
  // Bad input names the field and does not run.
  await p4.fill('#axis-labels-epochs', '0');
  await p4.locator('#axis-labels [data-card-run]').click();
  assert.match(await out(p4, '#axis-labels .claim-error'), /^epochs: 0 is out of range \(1 to 1000000\)/);
  assert.equal(await stateOf(p4, 'axis-labels'), 'idle');
});
