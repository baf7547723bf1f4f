// Themes: the page follows the system's light or dark preference until the learner picks one; the
// pick changes the page and the canvases at once and is kept for the next visit.
const { test, expect } = require('@playwright/test');

const { failOnPageErrors } = require('./harness');

failOnPageErrors();

/** The fleet canvas's colour at its top-left corner (its paper), as [r, g, b]. */
async function canvasPaper(page) {
  return page.locator('canvas.fleet-canvas').evaluate((canvas) => {
    // A copy made for reading: reading the page's own canvas back repeatedly makes Chromium warn.
    const copy = Object.assign(document.createElement('canvas'), { width: 4, height: 4 });
    const reader = copy.getContext('2d', { willReadFrequently: true });
    reader.drawImage(canvas, 0, 0);
    return Array.from(reader.getImageData(2, 2, 1, 1).data.slice(0, 3));
  });
}

test('a dark system preference gives the dark theme, canvases included', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/?scenario=demo');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect.poll(() => canvasPaper(page)).toEqual([0x1d, 0x23, 0x2a]);
});

test('a picked theme applies at once, repaints the canvases and survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/?scenario=demo');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expect.poll(() => canvasPaper(page)).toEqual([255, 255, 255]);
  const background = () => page.locator('html').evaluate((html) => getComputedStyle(html).backgroundColor);
  const light = await background();

  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).not.toBe(light);
  await expect.poll(() => canvasPaper(page), 'the paused fleet is repainted dark').toEqual([0x1d, 0x23, 0x2a]);

  await page.getByLabel('Theme').selectOption('projector');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'projector');
  await expect(page.getByLabel('Theme')).toHaveValue('projector');
  const size = await page.locator('html').evaluate((html) => getComputedStyle(html).fontSize);
  expect(parseFloat(size), 'projector type is larger').toBeGreaterThan(15);
});
