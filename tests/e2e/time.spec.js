// Time travel: scrub back to any earlier tick and see exactly that state; act there to start a new
// branch, compare it with the old one, and go back to the old one.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');

const { ARTIFACTS, button, failOnPageErrors } = require('./harness');

failOnPageErrors();

async function scrubTo(page, tick) {
  await page.getByLabel('Go to tick').evaluate((input, value) => {
    input.value = String(value);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, tick);
  await expect(page.getByTestId('status')).toHaveAttribute('data-tick', String(tick));
}

test('scrub back, fork a branch by acting, compare, and return to the old branch', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto('/?scenario=demo');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const status = page.getByTestId('status');
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  await expect.poll(async () => Number(await status.getAttribute('data-tick')), { timeout: 30_000 }).toBeGreaterThanOrEqual(40);
  await button(page, 'Pause').click();
  const head = Number(await status.getAttribute('data-tick'));
  const headDigest = await status.getAttribute('data-trace-digest');

  await scrubTo(page, 12);
  await expect(page.getByTestId('in-the-past')).toBeVisible();
  const digestAt12 = await status.getAttribute('data-trace-digest');
  await scrubTo(page, head);
  await expect(status).toHaveAttribute('data-trace-digest', headDigest);
  await scrubTo(page, 12);
  await expect(status).toHaveAttribute('data-trace-digest', digestAt12);

  // Acting in the past starts a new branch; the old one is kept with its furthest tick.
  await page.getByLabel('Servers to fail their health checks').fill('2');
  await button(page, 'Fail health checks').click();
  const branches = page.getByTestId('branches');
  await expect(branches.locator('tr[data-branch="branch 1"] td').first()).toHaveText(String(head));
  await button(page, 'Step one tick').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'branches.png'), fullPage: true });
  await page.getByRole('button', { name: 'Go to branch 1' }).click();
  await expect(status).toHaveAttribute('data-tick', String(head));
  await expect(status).toHaveAttribute('data-trace-digest', headDigest);
});

test('a sandbox session travels as a link and replays in a fresh browser', async ({ page, browser }) => {
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('App version').fill('1.0.1');
  await button(page, 'Build image').click();
  await page.getByRole('button', { name: /^Deploy v1\.0\.1/ }).click();
  for (let i = 0; i < 9; i++) await button(page, 'Step one tick').click();
  const status = page.getByTestId('status');
  await expect(status).toHaveAttribute('data-tick', '9');
  const digest = await status.getAttribute('data-trace-digest');
  const link = await page.getByTestId('share-session').getAttribute('href');
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(link);
  await expect(other.getByTestId('status')).toHaveAttribute('data-tick', '9');
  await expect(other.getByTestId('status')).toHaveAttribute('data-trace-digest', digest);
  await fresh.close();
});

test('the lesson and the tick slider work from the keyboard', async ({ page }) => {
  await page.goto('/?lesson=thirty-snowflakes');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const hint = page.getByRole('button', { name: 'Hint', exact: true });
  await hint.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('list', { name: 'Hints' }).locator('li')).toHaveCount(1);
  const step = page.getByRole('button', { name: 'Step one tick' });
  await step.focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press('Enter');
  const status = page.getByTestId('status');
  await expect(status).toHaveAttribute('data-tick', '6');
  const slider = page.getByLabel('Go to tick');
  await slider.focus();
  await page.keyboard.press('Home');
  await expect(status).toHaveAttribute('data-tick', '0');
  await page.keyboard.press('End');
  await expect(status).toHaveAttribute('data-tick', '6');
});
