// The comparison page: the seed story on twin fleets, then a drift injected into both.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');

const ARTIFACTS = path.join(__dirname, 'test-results', 'artifacts');
const button = (page, name) => page.getByRole('button', { name, exact: true });

test('twin fleets: the in-place patch fails on two snowflakes, replacement patches all 30', async ({ page }) => {
  const problems = [];
  page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
  page.on('pageerror', (err) => problems.push(err.message));
  fs.mkdirSync(ARTIFACTS, { recursive: true });

  await page.goto('/?compare=seed-004');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const status = page.getByTestId('compare-status');
  // The story in one line, above the fleets, on the first screen.
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveText(/^Press Play/);
  await expect(verdict).toBeInViewport();
  // The logs point at what this page has, and a chart flat at its start is not drawn yet.
  await expect(page.getByRole('region', { name: 'Immutable fleet log' })).toContainText('press Play, or use the drift palette');
  await expect(page.locator('.chart[data-metric="failed_requests"]')).toHaveCount(0);
  await expect(page.getByTestId('charts-waiting')).toContainText('failed requests');
  // Each score sits beside its label.
  const row = page.locator('.score-table tr', { hasText: 'Snowflake index' });
  const [label, value] = await Promise.all([row.locator('th').boundingBox(), row.locator('td').first().boundingBox()]);
  expect(value.x - (label.x + label.width)).toBeLessThan(60);
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  await expect(status).toHaveAttribute('data-immutable-patched', '30/30', { timeout: 45_000 });
  await button(page, 'Pause').click();
  await expect(status).toHaveAttribute('data-mutable-patched', '28/30');
  await expect(status).toHaveAttribute('data-immutable-snowflakes', '1');
  await expect(verdict).toContainText('Patched: mutable 28/30 · immutable 30/30');
  // The immutable side shipped a new version; it moved no tag.
  const immutableFleet = page.getByRole('region', { name: 'Immutable fleet: only replaced' });
  const images = immutableFleet.getByRole('list', { name: 'Images in the fleet' });
  await expect(images).toContainText('v3.4.2 × 30');
  await expect(images).not.toContainText('v3.4.1');
  const failures = page.getByTestId('patch-failures');
  await expect(failures).toContainText('i-0007');
  await expect(failures).toContainText('vm.overcommit_memory=2');
  await expect(failures).toContainText('i-0015');
  await expect(failures).toContainText('tcpflow');

  // The drift report says what is different on server 7, and that the image does not manage it.
  const server7 = page.getByTestId('drift-table').locator('tr[data-instance-id="i-0007"]');
  await expect(server7).toContainText('kernel parameter vm.overcommit_memory: unmanaged (2)');

  // A new hand-made change on server 3: one more snowflake on the left, refused on the right.
  const before = Number(await status.getAttribute('data-mutable-snowflakes'));
  await page.getByLabel('Server', { exact: true }).fill('3');
  await page.getByLabel('Server', { exact: true }).press('Tab');
  await page.getByLabel('Change', { exact: true }).selectOption({ label: 'Add a cron job (logrotate)' });
  await button(page, 'Inject on both fleets').click();
  await button(page, 'Step one tick').click();
  await expect(status).toHaveAttribute('data-mutable-snowflakes', String(before + 1));
  await expect(status).toHaveAttribute('data-immutable-snowflakes', '1');
  await expect(page.locator('.chart[data-metric="snowflake_index"]')).toHaveAttribute('data-mutable', String(before + 1));
  await expect(page.locator('.chart[data-metric="patch_success"]')).toHaveAttribute('data-immutable', '100');
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare.png'), fullPage: true });

  // The monthly rebuild wipes every snowflake, and the service pays for it in failed requests.
  await button(page, 'Monthly rebuild').click();
  await button(page, 'Play').click();
  await expect(status).toHaveAttribute('data-mutable-snowflakes', '1', { timeout: 30_000 });
  await button(page, 'Pause').click();
  const failed = page.locator('.chart[data-metric="failed_requests"]');
  expect(Number(await failed.getAttribute('data-mutable'))).toBeGreaterThan(0);
  // The rebuilt mutable servers came from the old image: the in-place patches are gone with them.
  const vulnerable = page.locator('.chart[data-metric="vulnerable_instances"]');
  await expect(vulnerable).toHaveAttribute('data-mutable', '30');
  await expect(vulnerable).toHaveAttribute('data-immutable', '0');
  await page.screenshot({ path: path.join(ARTIFACTS, 'compare-after-rebuild.png'), fullPage: true });

  // Patch again, on both: in place it now works everywhere (the rebuild also wiped the drift).
  await button(page, 'Patch openssl to 3.0.12').click();
  await button(page, 'Step one tick').click();
  await expect(vulnerable).toHaveAttribute('data-mutable', '0');
  await expect(vulnerable).toHaveAttribute('data-immutable', '0');
  expect(problems).toEqual([]);
});

test('a link can open the comparison at a moment of its story', async ({ page }) => {
  await page.goto('/?compare=seed-004&ticks=20');
  await expect(page.getByTestId('compare-status')).toHaveAttribute('data-tick', '20');
  await expect(page.getByTestId('verdict')).toContainText('Patched: mutable 28/30');
});
