// Newcomers at 1024×768: three lessons (drift, images, a deployment strategy) solved with hints and
// the lesson's own controls only — never "Show solution". On the first screen of each: the goal,
// Play and the fleet. What is asserted is what a person sees.
const { test, expect } = require('@playwright/test');
const path = require('node:path');

const { ARTIFACTS, button, failOnPageErrors } = require('./harness');

failOnPageErrors();
test.use({ viewport: { width: 1024, height: 768 } });

/** Opens a lesson and checks the first screen shows what a learner needs to start. */
async function openLesson(page, id, title) {
  await page.goto(`/?lesson=${id}`);
  const lesson = page.getByTestId('lesson');
  await expect(lesson.getByRole('heading', { name: title })).toBeVisible();
  await expect(lesson.getByRole('list', { name: 'Goal' })).toBeInViewport();
  await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeInViewport();
  await expect(page.locator('canvas.fleet-canvas')).toBeInViewport({ ratio: 0.5 });
  await expect(lesson.getByRole('button', { name: 'Show solution' })).toBeVisible();
  return lesson;
}

/** Plays fast until the lesson says it is passed, and checks nobody looked at the solution. */
async function playToPass(page, lesson) {
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  // The moment of success shows where the learner is looking, wherever the page was scrolled.
  await expect(page.getByTestId('passed-chip')).toBeInViewport({ timeout: 45_000 });
  await expect(page.getByTestId('passed-chip')).toContainText('✓ Lesson passed');
  const summary = page.getByTestId('pass-summary');
  await expect(summary).toBeVisible();
  await expect(summary).toContainText('Lesson passed.');
  // The success panel says what the lesson was for, and comes first in the lesson card.
  await expect(summary.getByTestId('takeaway')).toContainText('What you learned:');
  const [summaryTop, goalTop] = await Promise.all([summary.boundingBox(), lesson.locator('.goal-box').boundingBox()]);
  expect(summaryTop.y).toBeLessThan(goalTop.y);
  // Wherever the page is scrolled, the chip in the stage bar leads to it.
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await page.getByTestId('passed-chip').getByRole('link', { name: '✓ Lesson passed' }).click();
  await expect(summary).toBeInViewport();
  await expect(lesson).toHaveAttribute('data-state', 'passed');
  return summary;
}

test('drift: thirty snowflakes become one configuration by replacing, not repairing', async ({ page }) => {
  const lesson = await openLesson(page, 'thirty-snowflakes', 'Thirty snowflakes');
  await button(page, 'Hint').click();
  await button(page, 'Next hint (2 left)').click();
  await expect(lesson.getByRole('list', { name: 'Hints' }).locator('li')).toHaveCount(2);
  await page.getByLabel('openssl version').fill('3.0.12');
  await page.getByLabel('App version').fill('3.4.2');
  await button(page, 'Build image').click();
  await page.getByRole('button', { name: /^Deploy v3\.4\.2/ }).click();
  const summary = await playToPass(page, lesson);
  await expect(summary).toContainText('with 2 actions (par 2)');
  await page.screenshot({ path: path.join(ARTIFACTS, 'walkthrough-drift-passed.png') });
});

test('images: ship a new version by baking it into an image, not copying it onto servers', async ({ page }) => {
  const lesson = await openLesson(page, 'bake-dont-configure', "Bake, don't configure");
  await button(page, 'Hint').click();
  await button(page, 'Next hint (2 left)').click();
  await expect(lesson.getByRole('list', { name: 'Hints' })).toContainText('Put 3.1.0 into an image');
  await page.getByLabel('App version').fill('3.1.0');
  await button(page, 'Build image').click();
  await page.getByRole('button', { name: /^Deploy v3\.1\.0/ }).click();
  await playToPass(page, lesson);
  await page.screenshot({ path: path.join(ARTIFACTS, 'walkthrough-images-passed.png') });
});

test('a deployment strategy: a rolling update that never drops a server, set from the catalogue', async ({ page }) => {
  const lesson = await openLesson(page, 'recreate-downtime', 'Recreate means downtime');
  await button(page, 'Hint').click();
  // The release is built during tick 1 of the story.
  await button(page, 'Step one tick').click();
  await button(page, 'Step one tick').click();
  await page.getByText('Strategy settings').click();
  await page.getByRole('group', { name: 'Start from a strategy' }).getByRole('button', { name: 'Rolling update' }).click();
  const editor = page.getByLabel('Strategy (JSON)');
  await editor.fill('{"type": "rolling", "max_surge": "25%", "max_unavailable": 0}');
  await expect(page.getByTestId('strategy-validation')).toHaveText('✓ rolling update · max surge 25% · max unavailable 0');
  await button(page, 'Apply strategy').click();
  // The rollout's header confirms the strategy now in force.
  await expect(page.getByTestId('rollout').locator('.card-head')).toContainText('rolling update');
  await page.getByRole('button', { name: /^Deploy v2\.1\.0/ }).click();
  await playToPass(page, lesson);
  await expect(lesson.getByTestId('cannot-pass')).toHaveCount(0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'walkthrough-strategy-passed.png') });
});

// The rest of a newcomer's first visits, at the same size: an attempt that cannot pass says so at
// once, a reload keeps the session, and a damaged link is explained where the eyes are.
test('a lesson judges its goal only once something happened, and says at once when an attempt can no longer pass', async ({ page }) => {
  await page.goto('/?lesson=recreate-downtime');
  const lesson = page.getByTestId('lesson');
  await expect(lesson).toHaveAttribute('data-state', 'working');
  // At the start nothing is judged: no goal shows as met before the story has begun.
  await expect(lesson.getByTestId('goal-not-judged')).toHaveText('Judged as the story unfolds: press Play.');
  await expect(lesson.locator('.goal-list li.met')).toHaveCount(0);
  // One tick in, the goal is judged; the story builds the release during tick 1.
  await button(page, 'Step one tick').click();
  await expect(lesson.getByTestId('goal-not-judged')).toHaveCount(0);
  await button(page, 'Step one tick').click();
  // Recreate stops every server first: "in service throughout" breaks, and cannot come back.
  await page.getByRole('button', { name: /^Deploy v2\.1\.0/ }).click();
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  const verdict = lesson.getByTestId('cannot-pass');
  await expect(verdict).toContainText('This attempt can no longer pass: “All 10 servers in service throughout” is now');
  await expect(verdict).toContainText('cannot come back to at least 10');
  // The page is scrolled to the registry's Deploy button, far from the goal: the bar that stays in
  // view says it too, and leads to the reason.
  const chip = page.getByTestId('lost-chip');
  await expect(chip).toBeInViewport();
  await expect(chip).toContainText('✗ This attempt can no longer pass: All 10 servers in service throughout');
  await chip.getByRole('link').click();
  await expect(verdict).toBeInViewport();
  await verdict.getByRole('button', { name: 'Reset' }).click();
  await expect(verdict).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveAttribute('data-tick', '0');
});

test('a reload in the middle of a lesson brings the session back and says so', async ({ page }) => {
  await page.goto('/?lesson=recreate-downtime');
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-state', 'working');
  await button(page, 'Step one tick').click();
  await button(page, 'Step one tick').click();
  await page.getByRole('button', { name: /^Deploy v2\.1\.0/ }).click();
  await button(page, 'Step one tick').click();
  const status = page.getByTestId('status');
  await expect(status).toHaveAttribute('data-tick', '3');
  const digest = await status.getAttribute('data-trace-digest');
  await page.reload();
  await expect(page.getByTestId('restored')).toHaveText('Welcome back: your session was restored at tick 3, with 1 action (kept in this browser). Reset starts over.');
  await expect(status).toHaveAttribute('data-tick', '3');
  await expect(status).toHaveAttribute('data-trace-digest', digest);
  await expect(page.getByTestId('lesson')).toContainText('1 action so far');
  // Reset starts over, and a reload then opens the lesson at its start.
  await page.getByRole('region', { name: 'Time', exact: true }).getByRole('button', { name: 'Reset', exact: true }).click();
  await expect(status).toHaveAttribute('data-tick', '0');
  await page.reload();
  await expect(page.getByTestId('restored')).toHaveCount(0);
  await expect(status).toHaveAttribute('data-tick', '0');
});

test('a damaged link says what happened and what the lab did, at the top of the first screen', async ({ page }) => {
  // A session link copied with the end of its action log missing.
  const log = Buffer.from(JSON.stringify([{ tick: 2, command: { deploy: { image: 'v2.1.0' } } }])).toString('base64url');
  await page.goto(`/?lesson=recreate-downtime&seed=1&at=5&log=${log.slice(0, log.length - 4)}`);
  const banner = page.getByTestId('banner');
  await expect(banner).toHaveText('The link had problems: the share link was cut off (its action log ends early); the lesson opened at its start.');
  await expect(banner).toBeInViewport();
  await expect(page.getByTestId('status')).toHaveAttribute('data-tick', '0');
});
