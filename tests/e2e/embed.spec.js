// The embed in a documentation page's frame: usable at 640×420 and at 400×300 — Play and the
// whole fleet in view without scrolling, and a lesson's goal not judged before anything happens.
const { test, expect } = require('@playwright/test');

const { button, failOnPageErrors } = require('./harness');

failOnPageErrors();

for (const [width, height] of [[640, 420], [400, 300]]) {
  for (const name of ['thirty-snowflakes', 'canary-bad']) {
    test(`the ${name} embed at ${width}×${height} shows Play and the whole fleet without scrolling`, async ({ page }) => {
      await page.setViewportSize({ width, height });
      await page.goto(`/?embed=${name}`);
      await expect(page.locator('main#embed')).toHaveAttribute('data-ready', 'true');
      const inView = async (locator) => {
        const box = await locator.boundingBox();
        return box !== null && box.y >= 0 && box.y + box.height <= height && box.x + box.width <= width;
      };
      await expect.poll(() => inView(button(page, 'Play'))).toBe(true);
      await expect.poll(() => inView(page.locator('canvas.fleet-canvas'))).toBe(true);
      await button(page, 'Play').click();
      await expect(page.locator('main#embed')).not.toHaveAttribute('data-tick', '0');
    });
  }
}

test("an embedded lesson's goal is not judged before the story begins", async ({ page }) => {
  await page.setViewportSize({ width: 640, height: 420 });
  await page.goto('/?embed=thirty-snowflakes');
  const goal = page.getByRole('list', { name: 'Goal' });
  await expect(goal.locator('li')).toHaveCount(3);
  await expect(goal.locator('li[data-met="true"]')).toHaveCount(0);
  await button(page, 'Step one tick').click();
  await expect(goal.locator('li[data-met="true"]')).not.toHaveCount(0);
});
