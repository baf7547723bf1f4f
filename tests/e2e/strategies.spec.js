// Every strategy run to completion in the browser, and a canary of a buggy release stopped by its
// analysis with the reason on screen.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');

const { ARTIFACTS, button, failOnPageErrors } = require('./harness');

failOnPageErrors();

async function start(page, scenario, speed = '32') {
  await page.goto(`/?scenario=${scenario}`);
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const status = page.getByTestId('status');
  const before = await status.getAttribute('data-fleet-images');
  await page.getByLabel('Speed').selectOption(speed);
  await button(page, 'Play').click();
  return { status, before };
}

async function expectRolledOut(status, before) {
  await expect(status).toHaveAttribute('data-rollout-complete', 'true', { timeout: 45_000 });
  await expect(status).toHaveAttribute('data-phase', 'Healthy');
  const after = await status.getAttribute('data-fleet-images');
  expect(after).not.toBe(before);
  expect(after.split(',')).toHaveLength(1);
}

for (const scenario of ['demo', 'recreate']) {
  test(`${scenario} runs to completion`, async ({ page }) => {
    const { status, before } = await start(page, scenario);
    // Wait until the rollout has begun before waiting for it to end.
    await expect(status).toHaveAttribute('data-rollout-complete', 'false', { timeout: 30_000 });
    await expectRolledOut(status, before);
    // The timeline tells them apart: recreate's outage fails requests (red crosses in the request
    // stream); a rolling update within its limits fails none.
    const timeline = page.getByTestId('timeline');
    const failed = Number(await timeline.getAttribute('data-failed-window'));
    const crosses = await timeline.locator('.request-stream .fail-cross').count();
    if (scenario === 'recreate') {
      expect(failed).toBeGreaterThan(0);
      expect(crosses).toBeGreaterThan(0);
    } else {
      expect(failed).toBe(0);
      expect(crosses).toBe(0);
    }
  });
}

test('blue-green waits with a full preview, then switches all traffic at once', async ({ page }) => {
  const { status, before } = await start(page, 'blue-green');
  await expect(status).toHaveAttribute('data-phase', 'Paused', { timeout: 30_000 });
  // The preview is up, yet the new revision gets none of the traffic.
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '0');
  await button(page, 'Promote').click();
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '100', { timeout: 30_000 });
  await expectRolledOut(status, before);
});

test('a blue-green preview that fails its smoke tests is never switched to', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { status, before } = await start(page, 'blue-green-bad');
  await expect(status).toHaveAttribute('data-phase', 'Degraded', { timeout: 30_000 });
  await expect(page.getByTestId('abort-reason')).toContainText('pre-promotion analysis failed: revision 2');
  // The users stayed on the old version the whole time.
  await expect(page.locator('.weight[data-revision="1"]')).toHaveAttribute('data-weight', '100');
  await expect(status).toHaveAttribute('data-fleet-images', before, { timeout: 30_000 });
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-failed-window', '0');
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'blue-green-smoke-test.png'), fullPage: true });
});

test('a canary steps through its weights, waits for a person, and finishes', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { status, before } = await start(page, 'canary');
  await expect(status).toHaveAttribute('data-phase', 'Paused', { timeout: 30_000 });
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '20');
  await expect(page.locator('.canary-steps li.current')).toHaveText('pause until promoted');
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'canary-paused.png'), fullPage: true });
  // The configured canary exports as an Argo Rollout with the same steps and its analysis.
  await page.getByRole('tab', { name: 'Kubernetes' }).click();
  const manifest = page.getByTestId('export-text');
  await expect(manifest).toContainText('kind: Rollout');
  await expect(manifest).toContainText('- setWeight: 20');
  await expect(manifest).toContainText('kind: AnalysisTemplate');
  await button(page, 'Play').click();
  await button(page, 'Promote').click();
  await expectRolledOut(status, before);
});

test('a traffic-routed canary gets its weight from the router, not from extra instances', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { status, before } = await start(page, 'canary-routed');
  await expect(status).toHaveAttribute('data-phase', 'Paused', { timeout: 30_000 });
  // One canary instance next to all ten stable ones, yet exactly 10% of the requests.
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '10');
  await expect(page.getByTestId('canary-weights')).toHaveText('set weight 10% · actual weight 10% (router)');
  await expect(page.getByRole('meter', { name: /revision 1: 10 ready of 10 wanted/ })).toBeVisible();
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'canary-routed.png'), fullPage: true });
  await page.getByRole('tab', { name: 'Kubernetes' }).click();
  const manifest = page.getByTestId('export-text');
  await expect(manifest).toContainText('trafficRouting:');
  await expect(manifest).toContainText('- setCanaryScale: {weight: 50}');
  await button(page, 'Play').click();
  await button(page, 'Promote').click();
  await expectRolledOut(status, before);
});

test('a canary of a buggy release is aborted by analysis, and the page says why', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { status } = await start(page, 'canary-bad');
  await expect(status).toHaveAttribute('data-phase', 'Degraded', { timeout: 30_000 });
  const reason = page.getByTestId('abort-reason');
  await expect(reason).toContainText('analysis failed');
  await expect(reason).toContainText('above the 5% limit');
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '0', { timeout: 30_000 });
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'canary-aborted.png'), fullPage: true });
  // The scoreboard runs the same release with every strategy: only the analysed canary catches it,
  // and it lets the fewest requests reach the bad version.
  await button(page, 'Compare strategies').click();
  const rows = page.getByTestId('scoreboard').locator('tbody tr');
  await expect(rows).toHaveCount(5);
  const cells = async (strategy) => page.locator(`tr[data-strategy="${strategy}"] td`).allInnerTexts();
  const canary = await cells('canary');
  expect(Number(canary[4])).toBeGreaterThan(0); // detected after
  for (const other of ['rolling', 'recreate', 'blue_green', 'instance_refresh']) {
    const row = await cells(other);
    expect(row[4]).toBe('–');
    expect(Number(row[6])).toBeGreaterThan(Number(canary[6])); // blast radius
  }
  await page.getByTestId('scoreboard').screenshot({ path: path.join(ARTIFACTS, 'scoreboard.png') });
});

test('a slow canary leaves the analysis undecided: the rollout pauses, says why, and Promote carries on', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { status, before } = await start(page, 'canary-slow');
  const reason = page.getByTestId('pause-reason');
  await expect(reason).toContainText('inconclusive', { timeout: 30_000 });
  await expect(reason).toContainText('mean latency 220 ms is above the 100 ms target but within the 400 ms limit');
  await expect(status).toHaveAttribute('data-phase', 'Paused');
  // Held at the 20% step while the rollout waits for a person.
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '20');
  await expect(page.locator('.canary-steps li.current')).toContainText('latency ≤ 100 ms');
  await page.getByTestId('rollout').screenshot({ path: path.join(ARTIFACTS, 'canary-inconclusive.png') });
  await button(page, 'Promote').click();
  await expect(reason).toHaveCount(0);
  await expectRolledOut(status, before);
});

test('an instance refresh replaces in batches, waits at its checkpoint, and finishes', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // 8x: the 12-tick checkpoint wait lasts long enough on screen to be seen (and checked).
  const { status, before } = await start(page, 'instance-refresh', '8');
  await expect(status).toHaveAttribute('data-phase', 'Paused', { timeout: 30_000 });
  await expect(page.locator('.canary-steps li.current')).toHaveText('replace to 50%, then wait 12 ticks');
  // Half the fleet is replaced, and nothing more until the checkpoint's wait is over.
  await expect(page.locator('.weight[data-revision="2"]')).toHaveAttribute('data-weight', '50');
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'instance-refresh-checkpoint.png'), fullPage: true });
  await button(page, 'Play').click();
  await expectRolledOut(status, before);
});

test('an instance refresh of an image that never gets healthy fails and rolls back', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const { status, before } = await start(page, 'instance-refresh-bad');
  await expect(status).toHaveAttribute('data-phase', 'Degraded', { timeout: 30_000 });
  await expect(page.getByTestId('abort-reason')).toContainText('did not pass health checks within 12 ticks');
  // Auto-rollback: every instance is back on the image the fleet started with.
  await expect(status).toHaveAttribute('data-fleet-images', before, { timeout: 30_000 });
  await expect(page.locator('.weight[data-revision="1"]')).toHaveAttribute('data-weight', '100');
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'instance-refresh-rolled-back.png'), fullPage: true });
});

test('instances failing their health checks leave service and are replaced a batch at a time', async ({ page }) => {
  // The sandbox: twelve instances and nothing else going on.
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const status = page.getByTestId('status');
  await expect(status).toHaveAttribute('data-in-service', '12');
  await page.getByLabel('Servers to fail their health checks').fill('3');
  await button(page, 'Fail health checks').click();
  await expect(status).toHaveAttribute('data-in-service', '9');
  await expect(page.locator('section.card.log')).toContainText('3 instances fail their health checks');
  // Step by step: 10% of 12 is one instance per batch, so the fleet comes back one at a time.
  const seen = new Set();
  for (let i = 0; i < 40 && (await status.getAttribute('data-in-service')) !== '12'; i++) {
    await button(page, 'Step one tick').click();
    seen.add(await status.getAttribute('data-in-service'));
  }
  await expect(status).toHaveAttribute('data-in-service', '12');
  expect(seen.has('10') && seen.has('11')).toBe(true);
});

test('the strategy editor checks parameters as you type with the real messages', async ({ page }) => {
  await page.goto('/?scenario=demo');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await page.getByText('Strategy settings').click();
  const editor = page.getByLabel('Strategy (JSON)');
  const verdict = page.getByTestId('strategy-validation');
  await editor.fill('{"type": "rolling", "max_surge": 0, "max_unavailable": 0}');
  await expect(verdict).toHaveText('spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0');
  await expect(button(page, 'Apply strategy')).toBeDisabled();
  await editor.fill('{"type": "canary", "steps": [{"set_weight": 120}]}');
  await expect(verdict).toContainText('steps[0].setWeight: Invalid value: 120: must be between 0 and 100');
  await editor.fill('{"type": "instance_refresh", "min_healthy_percentage": 120}');
  await expect(verdict).toContainText("Value '120' at 'preferences.minHealthyPercentage' failed to satisfy constraint");
  await expect(button(page, 'Apply strategy')).toBeDisabled();
  await editor.fill('{"type": "recreate"}');
  await expect(verdict).toContainText('✓ recreate');
  await button(page, 'Apply strategy').click();
  await expect(page.getByTestId('rollout')).toContainText('recreate · every old instance stops');
});

test('the strategy editor starts from any strategy in the catalogue', async ({ page }) => {
  await page.goto('/?scenario=demo');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await page.getByText('Strategy settings').click();
  const starters = page.getByRole('group', { name: 'Start from a strategy' });
  await expect(starters.getByRole('button')).toHaveText(['Rolling update', 'Recreate', 'Blue-green', 'Canary', 'Instance refresh']);
  const verdict = page.getByTestId('strategy-validation');
  await starters.getByRole('button', { name: 'Canary', exact: true }).click();
  await expect(page.getByLabel('Strategy (JSON)')).toHaveValue(/"type": "canary"/);
  await expect(verdict).toHaveText('✓ canary · 4 steps · max surge 25% · max unavailable 0 · analysis: errors ≤ 5%');
  await button(page, 'Apply strategy').click();
  // The rollout's header confirms what now runs, the analysis included.
  await expect(page.getByTestId('rollout').locator('.card-head')).toContainText('canary · 4 steps · max surge 25% · max unavailable 0 · analysis: errors ≤ 5%');
});

// What the lab simplifies is said on the card, for the strategy in force and the one being typed.
test('the rollout card says where the lab is simpler than the real tool', async ({ page }) => {
  await page.goto('/?scenario=demo');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const inForce = page.getByTestId('rollout').getByTestId('modelling-notes').first();
  await inForce.getByText('Rolling update: where the lab is simpler than the real tool').click();
  await expect(inForce).toContainText('revisionHistoryLimit is fixed at 10');
  await page.getByText('Strategy settings').click();
  const editor = page.getByLabel('Strategy (JSON)');
  await editor.fill('{"type": "canary", "traffic_routing": true, "steps": [{"set_canary_scale": {"weight": 150}}]}');
  await expect(page.getByTestId('strategy-validation')).toContainText('✓ canary');
  const editing = page.locator('.strategy-editor').getByTestId('modelling-notes');
  await editing.getByText('Canary, being edited').click();
  await expect(editing).toContainText('dynamicStableScale is not modelled');
  await button(page, 'Apply strategy').click();
  // Applied, the card's own notes are the canary's and the editor's second copy goes.
  await expect(inForce).toContainText('dynamicStableScale is not modelled');
  await expect(editing).toHaveCount(0);
});
