// End-to-end checks of the lab page against its contract: data-* attributes on [data-testid=status],
// the fleet table, and controls found by accessible name. Every wait is on a condition, never on time.
const { test, expect } = require('@playwright/test');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');
const DEMO = path.join(REPO, 'scenarios', 'demo.json');
// The page opens the sandbox scenario when the URL names none.
const SANDBOX = path.join(REPO, 'scenarios', 'sandbox.json');
// The CLI as scripts/test.sh builds it (`cargo build --profile fast -p lab-cli`).
const LAB_BIN = process.env.LAB_BIN || path.join(REPO, 'target', 'fast', 'lab');
const ARTIFACTS = path.join(__dirname, 'test-results', 'artifacts');
const DIGEST = /^sha256:[0-9a-f]{64}$/;

// Read from the scenario, not hard-coded, so editing the scenario cannot silently invalidate the tests.
function defaultFleetSize() {
  const size = JSON.parse(fs.readFileSync(SANDBOX, 'utf8')).fleet_size;
  if (!Number.isInteger(size) || size < 1) throw new Error(`${SANDBOX}: no positive integer fleet_size`);
  return size;
}

// `lab run` prints one JSON object per line; the last one carries the digest of the whole trace.
function cliTraceDigest(ticks) {
  const out = execFileSync(LAB_BIN, ['run', DEMO, '--ticks', String(ticks)], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const last = out.trim().split('\n').pop();
  const digest = JSON.parse(last).trace_digest;
  expect(digest, `last line of lab run: ${last}`).toMatch(DIGEST);
  return digest;
}

// Exact names: a substring match on "Play" would also hit e.g. "Replay".
const button = (page, name) => page.getByRole('button', { name, exact: true });

async function openLab(page, url = '/?scenario=sandbox') {
  await page.goto(url);
  // data-ready is set once the wasm app has mounted; before that nothing else is meaningful.
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  return page.getByTestId('status');
}

async function showTable(page) {
  await button(page, 'Show table').click();
  await expect(button(page, 'Hide table')).toBeVisible();
  return page.getByTestId('fleet-table').locator('tbody tr');
}

// One consistent snapshot of the table (read in a single evaluate, so a running simulation cannot
// change rows between reads).
function tableRows(page) {
  return page.getByTestId('fleet-table').evaluate((table) =>
    [...table.querySelectorAll('tbody tr')].map((tr) => ({
      id: tr.dataset.instanceId,
      image: tr.dataset.image,
      state: tr.dataset.state,
    })),
  );
}

async function step(page, status) {
  const before = Number(await status.getAttribute('data-tick'));
  await button(page, 'Step one tick').click();
  await expect(status).toHaveAttribute('data-tick', String(before + 1));
}

// A wasm panic or a failed fetch shows up here; collected for every test, checked after each.
let problems;
test.beforeEach(({ page }) => {
  problems = [];
  page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
});
test.afterEach(() => {
  expect(problems, 'console errors / page errors').toEqual([]);
});

test('loads the sandbox fleet with no errors: every instance in service on one image', async ({ page }) => {
  const fleetSize = defaultFleetSize();
  const status = await openLab(page);
  await expect(status).toHaveAttribute('data-tick', '0');
  await expect(button(page, 'Play')).toBeVisible(); // loads paused

  const rows = await showTable(page);
  await expect(rows).toHaveCount(fleetSize);
  const snapshot = await tableRows(page);
  expect(snapshot.map((r) => r.state)).toEqual(Array(fleetSize).fill('in_service'));
  const images = new Set(snapshot.map((r) => r.image));
  expect(images.size).toBe(1);
  const [image] = images;
  expect(image).toMatch(DIGEST);
  await expect(status).toHaveAttribute('data-fleet-images', image);
  await expect(status).toHaveAttribute('data-in-service', String(fleetSize));
  await expect(status).toHaveAttribute('data-trace-digest', DIGEST);
  expect(problems).toEqual([]);
});

test('build an image and roll it out to the whole fleet', async ({ page }) => {
  const fleetSize = defaultFleetSize();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const status = await openLab(page);
  const running = await status.getAttribute('data-fleet-images');
  expect(running).toMatch(DIGEST);

  await page.getByLabel('App version').fill('9.9.9');
  await button(page, 'Build image').click();
  const built = page.getByTestId('built-digest');
  await expect(built).toHaveText(/sha256:[0-9a-f]{64}/);
  const digest = (await built.textContent()).match(/sha256:[0-9a-f]{64}/)[0];
  expect(digest).not.toBe(running); // a new version must give a new content address

  await page.getByTestId(`deploy-${digest.slice('sha256:'.length, 'sha256:'.length + 12)}`).click();

  // Step by hand until the rollout is visibly under way: stepping cannot race past the moment the
  // way free-running playback at speed 32 could.
  await showTable(page);
  for (let i = 0; ; i++) {
    const states = (await tableRows(page)).map((r) => r.state);
    if (states.includes('booting') || states.includes('draining')) break;
    expect(i, 'instances booting or draining within 200 ticks of the deploy').toBeLessThan(200);
    await step(page, status);
  }
  await expect(status).toHaveAttribute('data-rollout-complete', 'false');
  await page.screenshot({ path: path.join(ARTIFACTS, 'mid-rollout.png'), fullPage: true });

  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  await expect
    .poll(
      async () => [
        await status.getAttribute('data-rollout-complete'),
        await status.getAttribute('data-fleet-images'),
      ],
      { message: 'rollout completes onto the new image only', timeout: 45_000 },
    )
    .toEqual(['true', digest]);
  // Pause so the table holds still for the checks and the screenshot.
  await button(page, 'Pause').click();
  await expect(button(page, 'Play')).toBeVisible();

  const inService = (await tableRows(page)).filter((r) => r.state === 'in_service');
  expect(inService).toHaveLength(fleetSize);
  expect(inService.map((r) => r.image)).toEqual(Array(fleetSize).fill(digest));
  await page.screenshot({ path: path.join(ARTIFACTS, 'after-deploy.png'), fullPage: true });
});

test('the browser and the CLI produce the same trace digest', async ({ page }) => {
  const ticks = 40;
  const first = cliTraceDigest(ticks);
  expect(cliTraceDigest(ticks), 'two CLI runs agree').toBe(first);

  const status = await openLab(page, `/?scenario=demo&ticks=${ticks}`);
  await expect(status).toHaveAttribute('data-tick', String(ticks));
  await expect(status).toHaveAttribute('data-trace-digest', first);
  await expect(button(page, 'Play')).toBeVisible(); // stays paused
});

test('step advances one tick at a time and reset returns to tick 0', async ({ page }) => {
  const status = await openLab(page);
  await expect(status).toHaveAttribute('data-tick', '0');
  for (let i = 0; i < 3; i++) await step(page, status);
  await expect(status).toHaveAttribute('data-tick', '3');
  await button(page, 'Reset').click();
  await expect(status).toHaveAttribute('data-tick', '0');
});

// The largest fleets (#15): past 10,000 instances the canvas zooms out, each square standing for
// several instances, and the picture's colours keep the fleet's proportions.
test('a 100,000-instance canary is drawn zoomed out, its colours in the fleet\'s proportions', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto('/?scenario=canary&fleet=100000&ticks=14');
  await expect(page.locator('#lab[data-ready="true"]')).toBeVisible();
  const canvas = page.locator('canvas.fleet-canvas');
  const summary = await canvas.getAttribute('aria-label');
  const counts = [...summary.matchAll(/(\d+) on v/g)].map((match) => Number(match[1]));
  expect(counts.reduce((a, b) => a + b, 0), summary).toBe(100000);
  await expect(page.getByTestId('zoom-note')).toHaveText(/each square stands for 10 instances/);
  // The key explains the bands drawn, not the single tiles' bars and outlines.
  const key = page.getByRole('list', { name: 'How states are drawn' });
  await expect(key).toContainText('starting (pulling or booting)');
  await expect(key).not.toContainText('bar');
  expect(summary).toContain('each square stands for 10 instances');
  // The share of pixels in the second image's colour matches its share of the fleet.
  const share = await canvas.evaluate((element) => {
    // A copy made for reading: reading the page's own canvas back repeatedly makes Chromium warn.
    const copy = Object.assign(document.createElement('canvas'), { width: element.width, height: element.height });
    const reader = copy.getContext('2d', { willReadFrequently: true });
    reader.drawImage(element, 0, 0);
    const { data } = reader.getImageData(0, 0, element.width, element.height);
    const [first, second] = [[0x00, 0x72, 0xb2], [0xd5, 0x5e, 0x00]];
    const near = (i, [r, g, b]) => Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 40;
    let [ones, twos] = [0, 0];
    for (let i = 0; i < data.length; i += 4) {
      if (near(i, first)) ones += 1;
      else if (near(i, second)) twos += 1;
    }
    return twos / (ones + twos);
  });
  const expected = counts[1] / (counts[0] + counts[1]);
  expect(Math.abs(share - expected), `drawn ${share}, fleet ${expected}`).toBeLessThan(0.05);
  expect(errors).toEqual([]);
});
