// The image workflow as a learner does it: edit a package in the builder and watch the digest and
// the layers change, send the image through the pipeline to production, then deploy that digest.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');

const { ARTIFACTS, button, failOnPageErrors } = require('./harness');

failOnPageErrors();

test('patch openssl, pipeline it to production, deploy it to every instance', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const status = page.getByTestId('status');
  const preview = page.getByTestId('preview-digest');
  const before = await preview.getAttribute('title');
  const running = await status.getAttribute('data-fleet-images');
  expect(before).toBe(running); // the builder starts from the running spec
  await expect(page.getByTestId('vulnerable-instances')).not.toHaveAttribute('data-count', '0');

  // Editing a package changes its layer and every layer above it, never the base below.
  await page.getByLabel('openssl version').fill('3.0.12');
  await expect(preview).not.toHaveAttribute('title', before);
  const patched = await preview.getAttribute('title');
  const stack = page.getByTestId('layer-stack');
  await expect(stack.locator('tr.changed')).toHaveCount(4);
  await expect(stack.locator('tr[data-layer="base OS"]')).not.toHaveClass(/changed/);

  // A new release gets a new version, so its tags name it unambiguously.
  await page.getByLabel('App version').fill('1.0.1');
  await expect(stack.locator('tr.changed')).toHaveCount(4);
  const release = await preview.getAttribute('title');
  expect(release).not.toBe(patched);

  await button(page, 'Run pipeline').click();
  const run = page.getByTestId('run-1');
  await expect(run.locator('code')).toHaveAttribute('title', release);
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();

  // The pipeline stops at the approval gate with dev and staging on the same digest.
  const approve = page.getByRole('button', { name: 'Approve run 1' });
  await expect(approve).toBeVisible({ timeout: 30_000 });
  await expect(run.locator('[data-stage="vulnerability scan"]')).toHaveAttribute('data-status', 'passed');
  await approve.click();
  await expect(run).toHaveAttribute('data-outcome', 'passed', { timeout: 30_000 });
  const entry = page.locator(`.image-row[data-digest="${release}"]`);
  for (const environment of ['dev', 'staging', 'production']) {
    await expect(entry.locator('.tag', { hasText: new RegExp(`^${environment}$`) })).toBeVisible();
  }
  await expect(entry.locator('.scan.good')).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'pipeline-passed.png'), fullPage: true });

  // The newest image exports as text for real tools, pinned to its versions and its digest.
  await button(page, 'Show the Dockerfile').click();
  const exported = page.getByTestId('export-text');
  await expect(exported).toContainText('openssl=3.0.12');
  await expect(exported).toContainText('1.0.1');
  await page.getByRole('tab', { name: 'Terraform' }).click();
  await expect(exported).toContainText(release);
  await page.getByRole('tab', { name: 'Packer' }).click();
  await expect(exported).toContainText('v1.0.1');

  await page.getByTestId(`deploy-${release.slice(7, 19)}`).click();
  await expect
    .poll(async () => [await status.getAttribute('data-rollout-complete'), await status.getAttribute('data-fleet-images')], {
      message: 'every instance runs the patched digest',
      timeout: 45_000,
    })
    .toEqual(['true', release]);
  await button(page, 'Pause').click();
  await expect(page.getByTestId('vulnerable-instances')).toHaveAttribute('data-count', '0');
  await button(page, 'Show table').click();
  const rows = page.getByTestId('fleet-table').locator('tbody tr[data-state="in_service"]');
  const images = await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.image));
  expect(images.length).toBe(Number(await status.getAttribute('data-in-service')));
  expect(new Set(images)).toEqual(new Set([release]));
  await page.screenshot({ path: path.join(ARTIFACTS, 'patched-fleet.png'), fullPage: true });
});

test('a baked-in secret stops the pipeline at the secret scan and says why', async ({ page }) => {
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('openssl version').fill('3.0.12');
  await page.getByLabel('DB_PASSWORD (config)').fill('hunter2');
  await button(page, 'Run pipeline').click();
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  const run = page.getByTestId('run-1');
  await expect(run).toHaveAttribute('data-outcome', 'failed', { timeout: 30_000 });
  await expect(run.locator('[data-stage="secret scan"]')).toHaveAttribute('data-status', 'failed');
  await expect(run.locator('.problem')).toContainText('DB_PASSWORD');
  await expect(run.locator('.problem')).toContainText('inject it at runtime');
});

test('a fleet launched from `latest` splits when the tag moves; pinning by digest does not', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const fleetImages = async (scenario) => {
    await page.goto(`/?scenario=${scenario}&ticks=40`);
    await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
    const status = page.getByTestId('status');
    await expect(status).toHaveAttribute('data-tick', '40');
    await expect(status).toHaveAttribute('data-in-service', '12');
    return (await status.getAttribute('data-fleet-images')).split(',');
  };
  const trapped = await fleetImages('latest-trap');
  expect(trapped).toHaveLength(2);
  await expect(page.locator('.revision-bars li')).toHaveCount(1); // one revision, two images
  await page.screenshot({ path: path.join(ARTIFACTS, 'latest-trap.png'), fullPage: true });
  const pinned = await fleetImages('latest-pinned');
  expect(pinned).toHaveLength(1);
});

test.describe('at 1024×768', () => {
  test.use({ viewport: { width: 1024, height: 768 } });

  test('the layer table and the digest line fit the builder, nothing clipped', async ({ page }) => {
    await page.goto('/?scenario=sandbox');
    await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
    // A layer to rebuild shows the widest status word.
    await page.getByLabel('openssl version').fill('3.0.12');
    await expect(page.getByTestId('layer-stack').locator('tr.changed')).toHaveCount(4);
    const clipped = await page.evaluate(() => {
      const card = document.querySelector('section.builder').getBoundingClientRect();
      const parts = [...document.querySelectorAll('.layer-stack th, .layer-stack td, .digest-preview > *')];
      return parts
        .filter((part) => part.scrollWidth > part.clientWidth + 1 || part.getBoundingClientRect().right > card.right)
        .map((part) => part.textContent.trim());
    });
    expect(clipped).toEqual([]);
  });
});
