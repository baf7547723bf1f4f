// Nothing lost, nothing forged: passes made in two tabs are both kept, a teacher's lessons with
// scenarios of their own survive a reload, and a share link whose actions the grader would refuse
// shows no pass.
const { test, expect } = require('@playwright/test');
const fs = require('node:fs');
const path = require('node:path');

const { button, failOnPageErrors } = require('./harness');

failOnPageErrors();

const REPO = path.resolve(__dirname, '..', '..');

function lessonFile(id) {
  const file = fs.readdirSync(path.join(REPO, 'lessons')).find((name) => name.endsWith(`-${id}.json`));
  return JSON.parse(fs.readFileSync(path.join(REPO, 'lessons', file), 'utf8'));
}

function seedOf(lesson) {
  if (lesson.inline_scenario) return lesson.inline_scenario.seed;
  return JSON.parse(fs.readFileSync(path.join(REPO, 'scenarios', `${lesson.scenario}.json`), 'utf8')).seed;
}

// A share link that opens `id` at tick `at` with `actions` as the session's log: opened at 0, the
// actions are the session's future, given as the clock reaches them.
function sessionLink(id, actions, at = 0) {
  const lesson = lessonFile(id);
  const log = Buffer.from(JSON.stringify(actions)).toString('base64url');
  return `/?lesson=${id}&seed=${seedOf(lesson)}&at=${at}&log=${log}`;
}

async function passIn(page) {
  await page.bringToFront();
  await page.getByLabel('Speed').selectOption('128');
  await button(page, 'Play').click();
  await expect(page.getByTestId('completion-code')).toBeVisible({ timeout: 45_000 });
}

for (const order of [['thirty-snowflakes', 'pin-the-digest'], ['pin-the-digest', 'thirty-snowflakes']]) {
  test(`two tabs pass different lessons (${order.join(' then ')}) and both passes are kept`, async ({ context }) => {
    // A lessons page open all along, and two lessons, every tab opened before anything was passed.
    const list = await context.newPage();
    await list.goto('/?lessons');
    await expect(list.locator('main#lessons')).toHaveAttribute('data-passed', '0');
    const tabs = [];
    for (const id of order) {
      const tab = await context.newPage();
      await tab.goto(sessionLink(id, lessonFile(id).solution));
      await expect(tab.getByTestId('lesson')).toHaveAttribute('data-lesson', id);
      tabs.push(tab);
    }
    for (const tab of tabs) await passIn(tab);
    // The open lessons page follows the other tabs without a reload.
    await expect(list.locator('main#lessons')).toHaveAttribute('data-passed', '2');
    await list.reload();
    await expect(list.locator('main#lessons')).toHaveAttribute('data-passed', '2');
    for (const id of order) await expect(list.locator(`li[data-lesson="${id}"]`)).toHaveClass(/passed/);
  });
}

test("a teacher's lessons with scenarios of their own survive a reload, and their links open them", async ({ page }) => {
  const lessons = ['convergence-is-not-identity', 'bake-dont-configure'].map((id) => {
    const lesson = lessonFile(id);
    expect(lesson.inline_scenario, `${id} carries its own scenario`).toBeTruthy();
    return { ...lesson, id: `class-${id}`, title: `Class: ${lesson.title}` };
  });
  await page.goto('/?lessons');
  await page.getByLabel('Load lessons from a file').setInputFiles({
    name: 'class.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ lessons })),
  });
  await expect(page.getByTestId('pack-message')).toContainText('Loaded class.json: 2 lessons');
  await page.reload();
  const custom = page.getByTestId('custom-lessons');
  await expect(custom.locator('li[data-lesson]')).toHaveCount(2);
  await expect(page.getByTestId('banner')).toHaveCount(0);
  await custom.getByRole('link', { name: lessons[1].title }).click();
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson', lessons[1].id);
  await page.goto(`/?lesson=${lessons[0].id}`);
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson', lessons[0].id);
  // A second file adds to the first.
  await page.goto('/?lessons');
  const third = { ...lessonFile('stateless-servers'), id: 'class-third' };
  await page.getByLabel('Load lessons from a file').setInputFiles({
    name: 'more.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(third)),
  });
  await expect(page.getByTestId('pack-message')).toContainText('3 of your own in all');
  await page.reload();
  await expect(page.getByTestId('custom-lessons').locator('li[data-lesson]')).toHaveCount(3);
});

test('a share link with a control the lesson does not offer shows no pass and says why', async ({ page }) => {
  const lesson = lessonFile('thirty-snowflakes');
  const last = lesson.solution[lesson.solution.length - 1].tick;
  const forged = [...lesson.solution, { tick: last, command: { scale: { replicas: 30 } } }];
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.goto(sessionLink('thirty-snowflakes', forged, lesson.ticks_max));
  await expect(page.getByTestId('lesson')).toHaveAttribute('data-state', 'working');
  // Said in the banner at the top, on the first screen of a 1024 × 768 laptop.
  const banner = page.getByTestId('banner');
  await expect(banner).toContainText('cannot come from this lesson');
  await expect(banner).toContainText('the lesson opened at its start');
  await expect(banner).toBeInViewport();
  await expect(page.getByTestId('completion-code')).toHaveCount(0);
  expect(Number(await page.getByTestId('status').getAttribute('data-tick'))).toBe(0);
});
