// A newcomer's first lesson, end to end: find it, take a hint, solve it, see the summary; the pass
// survives a reload, an export-clear-import round trip, and travels to a fresh browser as a share
// link. Damaged saved progress and damaged share links are reported, and nothing is lost.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { ARTIFACTS, button, expectConsoleErrors, failOnPageErrors } = require('./harness');

failOnPageErrors();

const LESSON = 'thirty-snowflakes';
const REPO = path.resolve(__dirname, '..', '..');
// The CLI as scripts/test.sh builds it (`cargo build --profile fast -p lab-cli`).
const LAB_BIN = process.env.LAB_BIN || path.join(REPO, 'target', 'fast', 'lab');
const PROGRESS_KEY = 'immutable-lab.progress.v1';

async function tickOf(page) {
  return Number(await page.getByTestId('status').getAttribute('data-tick'));
}

test('a newcomer solves the first lesson, keeps the pass, and shares it', async ({ page, browser }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  // A first visit opens the welcome, which leads to the first lesson.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Servers you never change. You replace them.' })).toBeVisible();
  await page.getByRole('link', { name: 'Start the first lesson: Thirty snowflakes' }).click();

  const lesson = page.getByTestId('lesson');
  await expect(lesson).toHaveAttribute('data-state', 'working');
  await expect(lesson.getByRole('heading', { name: 'Thirty snowflakes' })).toBeVisible();
  await button(page, 'Hint').click();
  await expect(lesson.getByRole('list', { name: 'Hints' }).locator('li')).toHaveCount(1);

  // Watch the story play out: hand changes, then the in-place patch that fails on two servers.
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  await expect.poll(() => tickOf(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(12);
  await button(page, 'Pause').click();
  await button(page, 'Why not yet?').click();
  await expect(lesson.getByTestId('why-not-yet').first()).toContainText('now ');
  await page.screenshot({ path: path.join(ARTIFACTS, 'lesson-working.png'), fullPage: true });

  // Replace, don't repair: a patched image, deployed over the whole fleet.
  await page.getByLabel('openssl version').fill('3.0.12');
  await page.getByLabel('App version').fill('3.4.2');
  await button(page, 'Build image').click();
  await page.getByRole('button', { name: /^Deploy v3\.4\.2/ }).click();
  await button(page, 'Play').click();
  const summary = page.getByTestId('pass-summary');
  await expect(summary).toBeVisible({ timeout: 45_000 });
  await expect(lesson).toHaveAttribute('data-state', 'passed');
  await expect(summary).toContainText('with 2 actions (par 2)');
  const code = await page.getByTestId('completion-code').innerText();
  expect(code).toMatch(/^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$/);
  const digest = await page.getByTestId('status').getAttribute('data-trace-digest');
  await lesson.screenshot({ path: path.join(ARTIFACTS, 'lesson-passed.png') });

  // The pass is kept across a reload, and listed on the lessons page.
  const share = await page.getByTestId('share-link').getAttribute('href');
  await page.goto('/?lessons');
  await expect(page.locator('main#lessons')).toHaveAttribute('data-passed', '1');
  const entry = page.locator(`li[data-lesson="${LESSON}"]`);
  await expect(entry).toHaveClass(/passed/);
  await expect(entry).toContainText(code);
  await page.reload();
  await expect(page.locator('main#lessons')).toHaveAttribute('data-passed', '1');
  await page.screenshot({ path: path.join(ARTIFACTS, 'lessons-page.png'), fullPage: true });

  // The welcome now leads on from there.
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Continue: Convergence is not identity' })).toBeVisible();
  await expect(page.getByText('1 of 26 lessons passed in this browser.')).toBeVisible();
  await page.goto('/?lessons');

  // Export, clear, import: back again.
  const exported = decodeURIComponent((await page.getByRole('link', { name: 'Export progress' }).getAttribute('href')).split(',')[1]);
  const record = JSON.parse(exported).lessons[LESSON];
  expect(record.completion_code).toBe(code);
  // The teacher's grader replays the exported session natively and reaches the same code.
  const submission = path.join(os.tmpdir(), `lab-submission-${process.pid}.json`);
  fs.writeFileSync(submission, JSON.stringify({ lesson: LESSON, seed: record.seed, actions: record.log }));
  const graded = execFileSync(LAB_BIN, ['grade', path.join(REPO, 'lessons', '01-thirty-snowflakes.json'), submission], { encoding: 'utf8' });
  expect(graded).toContain(`completion code ${code}`);
  await button(page, 'Clear progress').click();
  await expect(page.locator('main#lessons')).toHaveAttribute('data-passed', '0');
  await page.getByLabel('Import progress').setInputFiles({ name: 'lab-progress.json', mimeType: 'application/json', buffer: Buffer.from(exported) });
  await expect(page.getByTestId('progress-message')).toContainText('Imported 1 passed lessons');
  await expect(page.locator('main#lessons')).toHaveAttribute('data-passed', '1');
  // A file that is not progress is refused and changes nothing.
  await page.getByLabel('Import progress').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
  await expect(page.getByTestId('progress-message')).toContainText('notes.json was not imported');
  await expect(page.locator('main#lessons')).toHaveAttribute('data-passed', '1');

  // The share link replays the same session in a fresh browser (no storage, no history).
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  await other.goto(share);
  await expect(other.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await expect(other.getByTestId('status')).toHaveAttribute('data-trace-digest', digest);
  await expect(other.getByTestId('pass-summary')).toBeVisible();
  await expect(other.getByTestId('completion-code')).toHaveText(code);
  await fresh.close();
});

test('corrupted saved progress is set aside and reported, not overwritten', async ({ page }) => {
  await page.addInitScript((key) => {
    if (!sessionStorage.getItem('seeded')) {
      localStorage.setItem(key, '{"format": "immutable-infrastructure-lab/progress", "version": 1, "lessons": {"x": 3');
      sessionStorage.setItem('seeded', '1');
    }
  }, PROGRESS_KEY);
  await page.goto('/?lessons');
  const notice = page.getByTestId('banner');
  await expect(notice).toContainText('Your saved progress could not be read');
  await expect(notice).toContainText(`${PROGRESS_KEY}.set-aside`);
  const kept = await page.evaluate((key) => localStorage.getItem(`${key}.set-aside`), PROGRESS_KEY);
  expect(kept).toContain('"lessons": {"x": 3');
  await expect(page.locator('main#lessons')).toHaveAttribute('data-passed', '0');
});

test('a damaged or oversized share link says what is wrong and opens the lesson at its start', async ({ page }) => {
  await page.goto(`/?lesson=${LESSON}&seed=4004&at=9&log=%%%`);
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await expect(page.getByRole('alert').filter({ hasText: 'damaged' })).toBeVisible();
  expect(await tickOf(page)).toBe(0);
  await page.goto(`/?lesson=${LESSON}&seed=4004&at=9&log=${'A'.repeat(7000)}`);
  await expect(page.getByRole('alert').filter({ hasText: 'at most 6000 fit in a link' })).toBeVisible();
  await page.goto(`/?lesson=${LESSON}&seed=1&at=9&log=W10`);
  await expect(page.getByRole('alert').filter({ hasText: 'made with seed 1' })).toBeVisible();
  await page.goto('/?lesson=no-such-lesson');
  await expect(page.getByRole('alert').filter({ hasText: 'no lesson `no-such-lesson`' })).toBeVisible();
});

test('an embed URL renders the compact lab, for a lesson and for a scenario', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width: 800, height: 600 });
  await page.goto(`/?embed=${LESSON}`);
  const embed = page.locator('main#embed');
  await expect(embed).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('.masthead')).toHaveCount(0);
  await expect(page.locator('canvas.fleet-canvas')).toBeVisible();
  await expect(embed.getByRole('list', { name: 'Goal' }).locator('li')).toHaveCount(3);
  await expect(page.getByRole('link', { name: /Open in the full lab/ })).toHaveAttribute('href', `?lesson=${LESSON}`);
  // It fits the iframe it is given: nothing sticks out sideways at 800 px.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(800);
  await page.goto('/?embed=canary-bad');
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  await expect(page.getByTestId('abort-reason')).toContainText('analysis failed', { timeout: 30_000 });
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'embed.png') });
});

test('lesson words link to the glossary, and the guide embeds a live lab per part', async ({ page }) => {
  await page.goto('/?lesson=cattle-not-pets');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const term = page.getByTestId('lesson').locator('a.term').first();
  const href = await term.getAttribute('href');
  // The glossary is on the other screens' page, linked straight to it.
  expect(href).toMatch(/^screens\.html\?glossary#term-/);
  await page.goto(`/${href}`);
  await expect(page.locator(href.slice(href.indexOf('#')))).toBeVisible();
  await page.goto('/?guide');
  const frames = page.locator('iframe.guide-embed');
  await expect(frames).toHaveCount(6);
  await expect(page.frameLocator('iframe.guide-embed').first().locator('main#embed')).toHaveAttribute('data-ready', 'true');
});

test('every built-in lesson is passed in the browser by showing its solution', async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto('/?lessons');
  await expect(page.locator('main#lessons')).toHaveAttribute('data-ready', 'true');
  const ids = await page.locator('li[data-lesson]').evaluateAll((items) => items.map((li) => li.dataset.lesson));
  expect(ids.length).toBeGreaterThanOrEqual(24);
  for (const id of ids) {
    await page.goto(`/?lesson=${id}`);
    await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson', id);
    await page.getByLabel('Speed').selectOption('128');
    await button(page, 'Show solution').click();
    await expect(page.getByTestId('pass-summary'), id).toContainText('That is the reference solution', { timeout: 30_000 });
    // A shown solution earns no completion code.
    await expect(page.getByTestId('completion-code')).toHaveCount(0);
  }
});

test('a teacher writes a lesson in the builder, and hands it out as a link or a file', async ({ page }) => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.goto('/?builder');
  const builder = page.locator('main#builder');
  await expect(builder).toHaveAttribute('data-valid', 'true');
  await expect(page.getByTestId('builder-checks')).toContainText('The reference solution passes at tick');
  // A condition nothing can meet is caught before any learner sees it.
  await page.getByLabel('Goal 1 value').fill('9.9.9');
  await page.getByLabel('Goal 1 value').press('Tab');
  await expect(page.getByTestId('builder-checks')).toContainText('does not pass');
  await button(page, "Record goal from the solution's end state").click();
  await expect(page.getByLabel('Goal 1 value')).toHaveValue('1.0.1');
  await expect(page.getByTestId('builder-checks')).toContainText('The reference solution passes at tick');
  // A bad field is named.
  await page.getByLabel('Par (fewest actions)').fill('two');
  await page.getByLabel('Par (fewest actions)').press('Tab');
  await expect(page.getByTestId('builder-problem')).toContainText('field `par`');
  await page.getByLabel('Par (fewest actions)').fill('2');
  await page.getByLabel('Par (fewest actions)').press('Tab');
  await expect(builder).toHaveAttribute('data-valid', 'true');
  // Checked as the teacher types: the problem shows while the cursor is still in the field.
  const ticks = page.getByLabel('Ticks allowed');
  await ticks.click();
  await ticks.pressSequentially('x');
  await expect(page.getByTestId('builder-problem')).toContainText('field `ticks_max`');
  await expect(ticks).toBeFocused();
  await ticks.press('Backspace');
  await expect(builder).toHaveAttribute('data-valid', 'true');
  await page.screenshot({ path: path.join(ARTIFACTS, 'builder.png'), fullPage: true });
  const json = await page.getByTestId('lesson-json').innerText();

  // The link carries the whole lesson.
  await page.goto(await page.getByTestId('try-lesson').getAttribute('href'));
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson', 'my-first-lesson');

  // The file loads into the lessons page; a broken one is refused with the field named.
  await page.goto('/?lessons');
  const load = page.getByLabel('Load lessons from a file');
  await load.setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"lessons": [{"id": "x"}]}') });
  await expect(page.getByTestId('pack-message')).toContainText('broken.json was not loaded');
  await expect(page.getByTestId('pack-message')).toContainText('lessons[0]');
  await load.setInputFiles({ name: 'class.json', mimeType: 'application/json', buffer: Buffer.from(json) });
  await expect(page.getByTestId('pack-message')).toContainText('Loaded class.json: 1 lessons');
  await page.reload();
  await page.getByTestId('custom-lessons').getByRole('link', { name: "Replace, don't repair" }).click();
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson', 'my-first-lesson');
});

test('a session in the lab becomes a lesson draft whose goal is where it ended', async ({ page }) => {
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await page.getByLabel('openssl version').fill('3.0.12');
  await page.getByLabel('App version').fill('1.0.1');
  await button(page, 'Build image').click();
  await page.getByRole('button', { name: /^Deploy v1\.0\.1/ }).click();
  await page.getByLabel('Speed').selectOption('128');
  await button(page, 'Play').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-rollout-complete', 'true', { timeout: 45_000 });
  await button(page, 'Pause').click();
  await page.getByRole('link', { name: 'Make a lesson from this' }).click();
  await expect(page.locator('main#builder')).toHaveAttribute('data-valid', 'true');
  await expect(page.getByRole('status').filter({ hasText: 'Started from your session in `sandbox`' })).toBeVisible();
  await expect(page.getByLabel('Goal 1 value')).toHaveValue('1.0.1');
  await expect(page.getByTestId('builder-checks')).toContainText('The reference solution passes at tick');
  await expect(page.getByTestId('builder-checks')).toContainText('Doing nothing does not pass');
});

test('if the lessons cannot be fetched the page says so and the lab still opens', async ({ page }) => {
  await page.route('**/lessons/*.json', (route) => route.abort());
  expectConsoleErrors(/Failed to load resource/);
  await page.goto('/?lessons');
  await expect(page.getByRole('alert')).toContainText('The lessons could not be loaded');
  await page.getByRole('link', { name: /open the sandbox/ }).click();
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
});

