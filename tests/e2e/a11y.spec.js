// Accessibility checked by a machine: axe-core on every page the lab has, in every theme, with no
// violations (colour contrast differs per theme, so each is checked).
// (Checked by hand as well: the keyboard path and the text equivalents are in the other specs.)
const { test, expect } = require('@playwright/test');
const { default: AxeBuilder } = require('@axe-core/playwright');

const PAGES = [
  ['welcome', '/', 'main#welcome'],
  ['sandbox', '/?scenario=sandbox', 'main#lab'],
  ['lesson', '/?lesson=thirty-snowflakes', 'main#lab'],
  ['strategy lesson', '/?lesson=canary-analysis', 'main#lab'],
  ['lessons', '/?lessons', 'main#lessons'],
  ['guide', '/?guide', 'main#guide'],
  ['glossary', '/?glossary', 'main#glossary'],
  ['builder', '/?builder', 'main#builder'],
  ['comparison', '/?compare=seed-004', 'main#lab'],
  ['embed', '/?embed=canary-bad', 'main#embed'],
];

const THEMES = ['light', 'dark', 'projector'];

for (const theme of THEMES) for (const [name, url, ready] of PAGES) {
  test(`axe finds no accessibility violations on the ${name} page (${theme} theme)`, async ({ page }) => {
    await page.addInitScript((picked) => localStorage.setItem('immutable-lab.theme.v1', picked), theme);
    await page.goto(url);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(page.locator(ready)).toHaveAttribute('data-ready', 'true');
    // The guide's live labs are embeds, each checked as a page of its own (the embed row).
    const results = await new AxeBuilder({ page }).exclude('iframe').analyze();
    const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    expect(found, `axe on ${url}`).toEqual([]);
  });
}
