// Crafted data files cannot crash the lab: IDX headers whose dimensions
// overflow 32-bit (and 64-bit) sizes are refused with an error naming the
// header field, and the page stays usable. The files are made here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, open, waitForState, shot, DIST } from './lib/browser.mjs';
import { serve } from './lib/server.mjs';

let srv, ctx;
const DIR = mkdtempSync(join(tmpdir(), 'infoplane-e2e-data-'));

before(async () => {
  srv = await serve(DIST);
  ctx = await launch();
});
after(async () => {
  await ctx?.close();
  await srv?.close();
});

/** An IDX file of unsigned bytes: magic 00 00 08 <ndims>, big-endian u32 dims, then `body`. */
function idx(name, dims, body = new Uint8Array(0)) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(0x08, 2);
  head.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  const path = join(DIR, name);
  writeFileSync(path, Buffer.concat([head, Buffer.from(body)]));
  return path;
}

test('IDX headers whose sizes overflow are refused by field, and the lab stays usable', async () => {
  const { page, errors } = await open(ctx, `${srv.url}/?epochs=60&log_samples=10`);
  const fieldError = page.locator('label[for="data-file"] ~ .error');
  const errorMatches = (re) =>
    page.waitForFunction(
      (src) => new RegExp(src).test(document.querySelector('#data-file').parentElement.querySelector('.error').textContent),
      re.source,
    );
  // 65536 labels of two classes, consistent with 65536 images.
  const labels = idx('labels.idx1-ubyte', [65536], Uint8Array.from({ length: 65536 }, (_, i) => i % 2));

  // 65536 images of 65536 × 1 pixels: 2^32 bytes, which is 0 in 32-bit
  // (wasm32) arithmetic and so would match the empty body without checks.
  const wraps32 = idx('wraps32.idx3-ubyte', [65536, 65536, 1]);
  await page.setInputFiles('#data-file', [wraps32, labels]);
  await errorMatches(/header/);
  assert.equal(
    await fieldError.textContent(),
    'wraps32.idx3-ubyte + labels.idx1-ubyte: images header, dimensions: 65536 × 65536 × 1 announce 4294967296 bytes of data but the file holds 0',
  );
  await shot(page, 'idx-overflow-32');

  // (2^32 - 1)^3 overflows even 64 bits.
  const wraps64 = idx('wraps64.idx3-ubyte', [0xffffffff, 0xffffffff, 0xffffffff]);
  await page.setInputFiles('#data-file', [wraps64, labels]);
  await errorMatches(/overflows 64 bits/);
  assert.equal(
    await fieldError.textContent(),
    'wraps64.idx3-ubyte + labels.idx1-ubyte: images header, dimensions: 4294967295 × 4294967295 × 4294967295 overflows 64 bits: no file holds that many bytes',
  );

  // Nothing was loaded, and the built-in data still trains.
  assert.equal(await page.inputValue('#param-dataset'), 'var_u');
  assert.doesNotMatch(await page.locator('#data-file').locator('..').textContent(), /Loaded /);
  await page.click('#run');
  assert.equal(await waitForState(page, ['done', 'error']), 'done');
  assert.deepEqual(errors, []);
});
