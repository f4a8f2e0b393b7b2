// The letter page: table of contents, every card's run at its default
// settings (full presets, four seeds) with its figures and a verdict computed
// from the runs, a different seed changing every run card's numbers, the
// worked-example calculator, embedding one card, "Open in the lab", and the
// lab drawing SZT's stored run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, inkFraction, shot, waitForState, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

const IDS = [
  'mnist-relu', 'fig4-as-coded', 'cumulative-means', 'caption-normalisation', 'axis-labels', 'first-layer-shares',
  'relu-gradients', 'worked-example', 'seeds-information-plane', 'caption-architecture', 'relu-binning', 'saxe',
  'stored-run', 'bins-decide',
];
const RUN_CARDS = IDS.filter((i) => i !== 'worked-example');
// Until the page fetches the image-set files (the lead's pool work), MNIST
// runs end with this error; the card is then reported, not failed.
// Shortened settings for the seed comparison only (two runs per card): the
// same settings with seed 0 and seed 5.
const SHORT = {
  'mnist-relu': { epochs: 12, seeds: 1 },
  'fig4-as-coded': { epochs: 600, seeds: 2 },
  'cumulative-means': { epochs: 600, seeds: 2 },
  'caption-normalisation': { epochs: 600, seeds: 2 },
  'axis-labels': { epochs: 600, seeds: 2 },
  'first-layer-shares': { epochs: 600, seeds: 2 },
  'relu-gradients': { epochs: 600, seeds: 2 },
  'seeds-information-plane': { epochs: 600, seeds: 2 },
  'caption-architecture': { epochs: 600, seeds: 1 },
  'relu-binning': { epochs: 600, seeds: 1 },
  saxe: { epochs: 400, seeds: 1, kde: { epochs: 30, seeds: 1 } },
  'stored-run': { epochs: 400, seeds: 1 },
  'bins-decide': { epochs: 400, seeds: 1 },
};
// A card's default run may take minutes on a loaded two-core machine.
const RUN_TIMEOUT = 900000;
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

/** Fills a card's inputs (those given), clicks Run and waits until the card
 * is done or in error; returns [milliseconds, final state]. */
async function runCard(page, id, { seed, epochs, seeds, kde } = {}) {
  const card = page.locator(`#${id}`);
  await card.scrollIntoViewIfNeeded();
  if (seed !== undefined) await page.fill(`#${id}-seed`, String(seed));
  if (epochs !== undefined) await page.fill(`#${id}-epochs`, String(epochs));
  if (seeds !== undefined) await page.fill(`#${id}-seeds`, String(seeds));
  if (kde !== undefined) {
    await page.fill(`#${id}-kde-epochs`, String(kde.epochs));
    await page.fill(`#${id}-kde-seeds`, String(kde.seeds));
  }
  const t0 = Date.now();
  await card.locator('[data-card-run]').click();
  await page.waitForFunction((i) => document.getElementById(i).dataset.cardState !== 'idle', id);
  await page.waitForFunction(
    (i) => ['done', 'error'].includes(document.getElementById(i).dataset.cardState), id, { timeout: RUN_TIMEOUT },
  );
  return [Date.now() - t0, await stateOf(page, id)];
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
const headlineOf = (page, id) => page.locator(`#${id} .verdict-headline`).textContent();

/** Numbers in a text (e.g. 274, 0.457, 12.00, ×2.31). */
const numbers = (text) => (text.match(/\d+(\.\d+)?/g) || []);

test('the page lists the 14 cards in the letter\'s order, with contents, anchors and the addition marked', async () => {
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
  // Only the stored run and the bin-count sweep are additions, in the contents and on their cards.
  assert.deepEqual(await page.locator('.claim-card.addition').evaluateAll((cs) => cs.map((c) => c.id)), ['stored-run', 'bins-decide']);
  assert.match(await page.locator('#letter-toc li').last().textContent(), /addition: not in the letter/);
  assert.match(await page.locator('#stored-run .claim-addition').textContent(), /not in the letter/);
  // Every run card defaults to four seeds, and every seeds input is editable.
  for (const id of RUN_CARDS) {
    assert.equal(await page.inputValue(`#${id}-seeds`), '4', `${id} seeds`);
    assert.ok(await page.isEditable(`#${id}-seeds`), `${id} seeds editable`);
  }
  // Every run card states its estimate beside Run, from this browser's
  // measured speed, and follows its inputs: more seeds, a longer estimate.
  const seconds = async (id) => {
    await page.waitForFunction((id) => /Estimate: about .* for its \d+ runs/.test(document.querySelector(`#${id} [data-card-estimate]`)?.textContent ?? ''), id);
    const t = await page.locator(`#${id} [data-card-estimate]`).textContent();
    const m = t.match(/about ([\d.]+) (ms|s|min|h)/);
    return Number(m[1]) * { ms: 1e-3, s: 1, min: 60, h: 3600 }[m[2]];
  };
  for (const id of RUN_CARDS) assert.match(await page.locator(`#${id} [data-card-estimate]`).textContent(), /peak memory/, id);
  const before = await seconds('axis-labels');
  await page.fill('#axis-labels-seeds', '16');
  await page.waitForFunction(() => /for its 16 runs/.test(document.querySelector('#axis-labels [data-card-estimate]').textContent));
  assert.ok((await seconds('axis-labels')) > before, 'sixteen seeds take longer than four');
  await page.fill('#axis-labels-seeds', '4');
  // Saxe's KDE runs at full length with one seed and says why; no other
  // card runs fewer seeds or epochs than its presets.
  assert.deepEqual(await page.locator('.claim-reduced').evaluateAll((ps) => ps.map((p) => p.closest('.claim-card').id)), ['saxe']);
  assert.match(await page.locator('#saxe .claim-reduced').textContent(), /^Fewer seeds: the KDE configurations run 1 seed at their presets' full 10000 epochs by default .*would not finish within 90 s on two cores/);
  assert.equal(await page.inputValue('#saxe-kde-epochs'), '10000');
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

test('every card runs its default configuration, draws its figures and judges the runs', async () => {
  const { page, errors } = await openLetter();
  const table = [];
  const t0 = Date.now();
  for (const id of RUN_CARDS) {
    const [ms, state] = await runCard(page, id);
    const card = page.locator(`#${id}`);
    assert.equal(state, 'done', `${id} ended in error: ${await card.textContent()}`);
    const canvases = await expectDrawn(page, id);
    const verdict = await verdictOf(page, id);
    assert.ok(verdict.trim().length > 40, `${id}: verdict "${verdict}"`);
    assert.ok(numbers(verdict).length >= 4, `${id}: verdict has no measured numbers: ${verdict}`);
    // Judged over seeds 0–3: the verdict says in how many seeds.
    assert.match(verdict, /Seeds 0–3/, `${id}: verdict names its seeds`);
    assert.match(verdict, / of 4/, `${id}: verdict counts seeds`);
    // The card states its settings (full length: no epochs override), seeds and how long it took.
    assert.doesNotMatch(await card.locator('.config-query').first().textContent(), /epochs=/);
    assert.match(await card.locator('.claim-seeds').textContent(), /seeds 0–3 \(4 seeds\)/);
    assert.match(await card.locator('.claim-timing').textContent(), /^Took \d+\.\d s on this machine/);
    assert.ok((await card.locator('.claim-rule').textContent()).length > 60, `${id}: no rule`);
    assert.ok((await card.locator('[data-lab-link]').count()) >= 1);
    await card.scrollIntoViewIfNeeded();
    await shot(card, `letter-${id}`);
    const headline = await headlineOf(page, id);
    const took = (await card.locator('.claim-timing').textContent()).match(/^Took (\d+\.\d) s/)[1];
    table.push({ id, ms, took, headline });
    console.log(`${id}: ${ms} ms (card: ${took} s), ${canvases.length} figure(s)\n  ${headline}`);
  }
  // Cards with the same configuration share runs and say so.
  assert.match(await page.locator('#cumulative-means .claim-shared').textContent(), /The same runs serve cards 2, 4, 5, 6, 9, 10 /);
  // The stored-run card compares with SZT's stored run, drawn beside the seeds.
  assert.match(await verdictOf(page, 'stored-run'), /within the stored run's mean ± 2 sd at all 10 compared epochs/);
  console.log(`all cards: ${Math.round((Date.now() - t0) / 1000)} s`);
  console.log(JSON.stringify(table));
  assert.deepEqual(errors, []);
});

test('a different seed changes every run card\'s numbers', async () => {
  const { page } = await openLetter();
  for (const id of RUN_CARDS) {
    const opts = SHORT[id];
    const [, s0] = await runCard(page, id, { ...opts, seed: 0 });
    assert.equal(s0, 'done', `${id}: ${await page.locator(`#${id}`).textContent()}`);
    const a = await verdictOf(page, id);
    const [, s5] = await runCard(page, id, { ...opts, seed: 5 });
    assert.equal(s5, 'done', id);
    const b = await verdictOf(page, id);
    assert.notEqual(a, b, id);
    // Not only the seed's name: the measured numbers differ too.
    const strip = (t) => t.replace(/[Ss]eeds? [\d–]+/g, '');
    assert.notDeepEqual(numbers(strip(a)), numbers(strip(b)), `${id}: same numbers for seeds 0 and 5`);
    assert.match(b, /[Ss]eeds? 5/);
    // Back to seed 0: the shared runs of that configuration come back at once.
    await page.fill(`#${id}-seed`, '0');
    await page.waitForFunction((i) => document.getElementById(i).dataset.cardState === 'done', id);
    assert.equal(await verdictOf(page, id), a, `${id}: seed 0's verdict again`);
  }
});

test('the worked example computes the letter\'s numbers from its literal input and names a malformed field', async () => {
  const { page, errors } = await openLetter('#worked-example');
  const out = async (sel) => (await page.locator(sel).textContent()).trim();
  // The letter's own words are the default input.
  assert.equal(await page.inputValue('#calc-l1'), '[2, 3] and [4, 5]');
  assert.equal(await out('#calc-mean-1'), '5');
  assert.equal(await out('#calc-std-1'), '1.189');
  assert.equal(await out('#calc-cmean-2'), '10');
  assert.equal(await out('#calc-cstd-2'), '1.682');
  const steps = await page.locator('#worked-example .calc-steps').textContent();
  for (const s of ['[3, 4]', '[1, 1]', '1.414', '5 + 5', '√(1.414 + 1.414)']) assert.ok(steps.includes(s), `step ${s} missing: ${steps}`);
  await shot(page.locator('#worked-example'), 'letter-worked-example');
  // The compact syntax as well.
  await page.fill('#calc-l1', '2,3; 4,5');
  assert.equal(await out('#calc-std-1'), '1.189');
  // Other numbers, one layer only.
  await page.fill('#calc-l1', '[1, 2, 3] and [3, 2, 1]');
  await page.fill('#calc-l2', '');
  // Element-wise mean [2, 2, 2]: ‖·‖ = √12.
  assert.equal(await out('#calc-mean-1'), '3.464');
  assert.equal(await page.locator('#calc-cmean-2').count(), 0);
  // Malformed input: a message naming the field, and the card in error.
  await page.fill('#calc-l2', '[2,3] and [4,five]');
  assert.equal(await out('#calc-error'), 'Layer 2 gradients: "five" in batch 2 is not a number');
  assert.equal(await stateOf(page, 'worked-example'), 'error');
  await shot(page.locator('#worked-example'), 'letter-worked-example-error');
  await page.fill('#calc-l2', '[2, 3] and [4, 5]');
  assert.equal(await stateOf(page, 'worked-example'), 'done');
  assert.deepEqual(errors, []);
});

test('on a phone (390 px) neither page scrolls sideways: wide figures scroll in their own box', async () => {
  const page = await ctx.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  const widths = async () => page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: innerWidth }));
  await page.goto(`${srv.url}/letter/#stored-run`);
  await page.waitForSelector('#letter .claim-card');
  // Figures are laid out once the cards have their width.
  await page.waitForFunction(() => document.querySelector('#stored-run canvas')?.width > 0);
  const letter = await widths();
  assert.ok(letter.doc <= letter.view, `the letter page is ${letter.doc} px wide at ${letter.view} px`);
  // Every card within the viewport, each figure at its minimum width inside a box that scrolls.
  const cards = await page.evaluate(() => [...document.querySelectorAll('.claim-card')].map((c) => c.getBoundingClientRect().right));
  assert.ok(cards.every((r) => r <= 390), `cards end at ${cards}`);
  const fig = await page.evaluate(() => {
    const box = document.querySelector('#stored-run .claim-config');
    return { scroll: box.scrollWidth, client: box.clientWidth, overflow: getComputedStyle(box).overflowX };
  });
  assert.equal(fig.overflow, 'auto');
  assert.ok(fig.scroll > fig.client, `the figure box scrolls: ${JSON.stringify(fig)}`);
  // The stored-run figure stacks its planes (grid, the reader's runs, SZT's) at full width
  // instead of squeezing two side by side with their titles running into each other.
  const planes = await page.evaluate(() => {
    const c = document.querySelector('#stored-run canvas[id$="stored-planes"]');
    return { w: c.clientWidth, h: c.clientHeight };
  });
  assert.ok(planes.h > 1.8 * planes.w, `stored-run planes stacked: ${JSON.stringify(planes)}`);
  await page.locator('#stored-run').scrollIntoViewIfNeeded();
  await shot(page, 'letter-phone-stored-run');
  await page.goto(`${srv.url}/?preset=saxe-tanh`);
  await page.waitForSelector('#run');
  const lab = await widths();
  assert.ok(lab.doc <= lab.view, `the lab page is ${lab.doc} px wide at ${lab.view} px`);
  await page.close();
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
  await frame.locator('#axis-labels-seeds').fill('1');
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
  // Like every link the pages hand out, it names the engine version (v=, last).
  assert.match(await link.getAttribute('href'), /^\.\/\?preset=idnns-relu&seeds=4&epochs=1234&seed=7&v=\d+\.\d+\.\d+$/);
  await link.click();
  await page.waitForSelector('#lab');
  const url = new URL(page.url());
  assert.equal(url.pathname, '/');
  assert.equal(url.searchParams.get('preset'), 'idnns-relu');
  assert.equal(url.searchParams.get('epochs'), '1234');
  assert.equal(url.searchParams.get('seed'), '7');
  assert.equal(url.searchParams.get('seeds'), '4');
  assert.equal(await page.inputValue('#param-preset'), 'idnns-relu');
  assert.equal(await page.inputValue('#param-epochs'), '1234');
  assert.equal(await page.inputValue('#param-seed'), '7');
  // A card's figure options travel too (the axis card opens with the original labels).
  const { page: p4 } = await openLetter('#axis-labels');
  assert.match(await p4.locator('#axis-labels [data-lab-link]').getAttribute('href'), /^\.\/\?preset=idnns-default&seeds=4&labels=original&v=\d+\.\d+\.\d+$/);
  // Bad input names the field and does not run.
  await p4.fill('#axis-labels-epochs', '0');
  await p4.locator('#axis-labels [data-card-run]').click();
  assert.match(await out(p4, '#axis-labels .claim-error'), /^epochs: 0 is out of range \(1 to 1000000\)/);
  assert.equal(await stateOf(p4, 'axis-labels'), 'idle');
  // The second inputs are checked too, named by their group.
  await p4.fill('#saxe-kde-seeds', '0');
  await p4.locator('#saxe [data-card-run]').click();
  assert.match(await out(p4, '#saxe .claim-error'), /^KDE seeds: 0 is out of range/);
  assert.equal(await stateOf(p4, 'saxe'), 'idle');
});

test('the lab draws SZT\'s stored run beside runs of its preset', async () => {
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The same 20-epoch run, once under the stored run's preset (which adds
  // the stored run's panel) and once with the preset's values typed out.
  const same = 'hidden=10,7,5,4,4,3&split=shuffled&train_pct=99.98&lr=0.0002&batch_size=full&log_samples=1800&edges=50';
  const inkOf = async (query) => {
    await page.goto(`${srv.url}/?${query}&epochs=20&seeds=1&autorun=1`);
    await page.waitForSelector('#lab');
    await waitForState(page, 'done');
    await page.locator('#fig-plane').scrollIntoViewIfNeeded();
    // Let the last redraw (at most 4 a second) happen.
    await page.waitForTimeout(1000);
    return inkFraction(page, '#fig-plane');
  };
  const plain = await inkOf(same);
  const stored = await inkOf('preset=szt-2017-stored-run');
  // One panel of 20 epochs, against the same beside the stored run's 964.
  assert.ok(stored > plain + 0.03, `stored ${stored} vs plain ${plain}`);
  await shot(page.locator('#fig-plane'), 'lab-stored-run');
  assert.deepEqual(errors, []);
});
