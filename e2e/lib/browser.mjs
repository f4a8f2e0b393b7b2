// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** A fresh browser context (its own profile directory). */
export async function launch({ deviceScaleFactor = 1, viewport = { width: 1400, height: 1000 }, colorScheme = 'light' } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'infoplane-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: FLAGS,
    viewport,
    deviceScaleFactor,
    colorScheme,
    acceptDownloads: true,
  });
  return context;
}

/** Opens `url` and collects page errors (a test fails on any). */
export async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('#lab');
  return { page, errors };
}

/** Waits until the lab's data-run-state is one of `states`. */
export async function waitForState(page, states, timeout = 120000) {
  const want = Array.isArray(states) ? states : [states];
  await page.waitForFunction(
    (w) => w.includes(document.querySelector('#lab')?.dataset.runState),
    want,
    { timeout },
  );
  return page.evaluate(() => document.querySelector('#lab').dataset.runState);
}

/** Fraction of a canvas's pixels that are not white (0 = blank). */
export async function inkFraction(page, selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    if (!c || !c.width || !c.height) return 0;
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 235 || d[i + 1] < 235 || d[i + 2] < 235) ink++;
    return ink / (d.length / 4);
  }, selector);
}

/** Saves a screenshot of the page (or an element) under e2e/artifacts/. */
export async function shot(target, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await target.screenshot({ path });
  return path;
}

/**
 * Clicks `selector` and returns the download it starts: its suggested name,
 * its bytes and (as UTF-8) its text. Chromium's download limiter lets one
 * download through per user gesture; clicking again within a few
 * milliseconds of the previous download can race the gesture's
 * registration, as no person would, hence the pause.
 */
export async function download(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const bytes = readFileSync(await d.path());
  return { name: d.suggestedFilename(), bytes, text: bytes.toString('utf8') };
}
