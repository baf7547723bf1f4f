// The traffic picture: requests leave the load balancer in the colour of the revision that answers
// them, a blue-green switch moves them all to the new lane, a buggy canary's failures are marked,
// and reduced motion keeps the picture still. What is checked is what a person sees: the canvas's
// pixels and the words a screen reader reads.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');

const { ARTIFACTS, button, failOnPageErrors } = require('./harness');

failOnPageErrors();

// Okabe–Ito colours of the first two images (src/palette.rs) and the failure red.
const BLUE = [0, 114, 178];
const ORANGE = [213, 94, 0];
const RED = [192, 57, 43];

/** Pixels of `colour` in the canvas's left part (x from `fromX` to `toX` as shares of its width). */
async function pixelsOf(page, colour, fromX = 0, toX = 1) {
  return page.getByTestId('traffic').evaluate((canvas, [colour, fromX, toX]) => {
    // A copy made for reading: reading the page's own canvas back repeatedly makes Chromium warn.
    const copy = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
    const context = copy.getContext('2d', { willReadFrequently: true });
    context.drawImage(canvas, 0, 0);
    const left = Math.floor(canvas.width * fromX);
    const width = Math.max(1, Math.floor(canvas.width * (toX - fromX)));
    const data = context.getImageData(left, 0, width, canvas.height).data;
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const close = Math.abs(data[i] - colour[0]) + Math.abs(data[i + 1] - colour[1]) + Math.abs(data[i + 2] - colour[2]);
      if (close < 30) count += 1;
    }
    return count;
  }, [colour, fromX, toX]);
}

// Between the load balancer's box and the lanes: only requests in flight are drawn in full colour
// there (the pipes are pale).
const PIPES = [0.2, 0.3];

async function start(page, scenario) {
  await page.goto(`/?scenario=${scenario}`);
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('Speed').selectOption('4');
  await button(page, 'Play').click();
  return page.getByTestId('traffic');
}

test('a blue-green switch is seen: requests move from the old lane to the preview', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const traffic = await start(page, 'blue-green');
  await expect(traffic).toHaveAttribute('aria-label', /revision 2 \(v2\.1\.0: 10 in service\), a preview only smoke tests reach/, { timeout: 30_000 });
  await expect.poll(() => pixelsOf(page, BLUE, ...PIPES)).toBeGreaterThan(0);
  expect(await pixelsOf(page, ORANGE, ...PIPES), 'no user request goes to the preview').toBe(0);
  await page.locator('[data-testid=rollout]').screenshot({ path: path.join(ARTIFACTS, 'traffic-blue-green-before.png') });
  await button(page, 'Promote').click();
  await expect(traffic).toHaveAttribute('aria-label', /sends 100% of requests to revision 2/, { timeout: 30_000 });
  await expect.poll(() => pixelsOf(page, ORANGE, ...PIPES)).toBeGreaterThan(0);
  await expect.poll(() => pixelsOf(page, BLUE, ...PIPES), 'the old revision gets no new requests').toBe(0);
  await page.locator('[data-testid=rollout]').screenshot({ path: path.join(ARTIFACTS, 'traffic-blue-green-after.png') });
});

test("a buggy canary's share of requests fails, and the failures are marked", async ({ page }) => {
  // Opened at the tick the canary served its first requests, a quarter of them failing, and the
  // analysis aborted it (TM-7: within that tick). The picture shows where those requests went.
  await page.goto('/?scenario=canary-bad&ticks=8');
  const traffic = page.getByTestId('traffic');
  await expect(traffic).toHaveAttribute('aria-label', /0% of requests to revision 2 .*failing 25% of them/);
  expect(await pixelsOf(page, ORANGE, ...PIPES), "requests are on their way to the canary").toBeGreaterThan(0);
  // Running at the slowest speed, the failed ones are crossed out where they arrive.
  await page.getByLabel('Speed').selectOption('1');
  await button(page, 'Play').click();
  await expect.poll(() => pixelsOf(page, RED), { intervals: [50], timeout: 10_000 }).toBeGreaterThan(0);
  await button(page, 'Pause').click();
  await page.locator('[data-testid=rollout]').screenshot({ path: path.join(ARTIFACTS, 'traffic-canary-bad.png') });
});

test('with reduced motion the lanes and weights stay, the moving requests do not', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const traffic = await start(page, 'canary');
  await expect(traffic).toHaveAttribute('aria-label', /80% of requests to revision 1 .* 20% of requests to revision 2/, { timeout: 30_000 });
  expect(await pixelsOf(page, ORANGE), 'the canary lane is drawn').toBeGreaterThan(0);
  expect(await pixelsOf(page, BLUE, ...PIPES), 'no request moves').toBe(0);
});
