// The site is two pages, each its own download (#15): index.html (the welcome, the lab, lessons,
// embeds) and screens.html (the lessons list, guide, glossary, builder, comparison). A visit to one
// never fetches the other's code, and an address meant for the other page is sent on to it.
const { test, expect } = require('@playwright/test');

// The wasm and glue files a page fetched, by name without their content hash.
function codeFetched(page) {
  const names = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    // Trunk's content hash is up to 16 hex digits (leading zeros dropped).
    if (/\.(wasm|js)$/.test(name)) names.push(name.replace(/-[0-9a-f]{8,16}(?=[._])/, ''));
  });
  return names;
}

test('the lab fetches only its own code, the lessons list only its own', async ({ page }) => {
  const lab = codeFetched(page);
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  expect(lab).toContain('lab-app_bg.wasm');
  expect(lab.filter((name) => name.startsWith('lab-screens'))).toEqual([]);

  const other = await page.context().newPage();
  const screens = codeFetched(other);
  await other.goto('/screens.html?lessons');
  await expect(other.getByRole('heading', { name: /lessons/i }).first()).toBeVisible();
  expect(screens).toContain('lab-screens_bg.wasm');
  expect(screens.filter((name) => name.startsWith('lab-app'))).toEqual([]);
});

test('an address meant for the other page is sent on, its query and fragment kept', async ({ page }) => {
  await page.goto('/?glossary#term-digest');
  await expect(page).toHaveURL(/\/screens\.html\?glossary#term-digest$/);
  await expect(page.locator('#term-digest')).toBeVisible();

  await page.goto('/screens.html?scenario=sandbox');
  await expect(page).toHaveURL(/\/\?scenario=sandbox$/);
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  // Sent on with `replace`: Back leaves the glossary rather than bouncing through the old address.
  await page.goBack();
  await expect(page).toHaveURL(/\/screens\.html\?glossary#term-digest$/);
});

test('the navigation links straight to each page', async ({ page }) => {
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  const nav = page.getByRole('navigation', { name: 'Pages' });
  await expect(nav.getByRole('link', { name: 'Lessons' })).toHaveAttribute('href', 'screens.html?lessons');
  await expect(nav.getByRole('link', { name: 'Compare' })).toHaveAttribute('href', 'screens.html?compare=seed-004');
  await nav.getByRole('link', { name: 'Guide' }).click();
  await expect(page).toHaveURL(/\/screens\.html\?guide$/);
  await expect(page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Sandbox' }))
    .toHaveAttribute('href', './?scenario=sandbox');
  // The welcome's own doors too (static text in the page).
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'lesson builder' })).toHaveAttribute('href', 'screens.html?builder');
  await expect(page.getByRole('link', { name: 'guide', exact: true })).toHaveAttribute('href', 'screens.html?guide');
});

test('the other screens\' page has the lab\'s strict policy, with no inline script allowed', async ({ page, request }) => {
  const html = await (await request.get('/screens.html')).text();
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  expect(metas).toHaveLength(1);
  const policy = metas[0][1];
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval';");
  expect(policy).not.toMatch(/unsafe-inline|sha256-|\{\{/);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  // The stylesheet is the lab's, its integrity kept.
  expect(html).toMatch(/<link rel="stylesheet" href="\/style-[0-9a-f]+\.css" integrity="sha384-/);
  // Its scripts carry their hashes, and its loader the wasm's.
  expect(html).toMatch(/<script src="\.\/lab-screens\.js" integrity="sha384-[A-Za-z0-9+/=]+"><\/script>/);
  expect(html).toMatch(/<script src="\.\/screens-loader\.js" integrity="sha384-[A-Za-z0-9+/=]+"><\/script>/);
  const loader = await (await request.get('/screens-loader.js')).text();
  expect(loader).toMatch(/fetch\("\.\/lab-screens_bg\.wasm", \{ integrity: "sha384-[A-Za-z0-9+/=]+" \}\)/);
  const messages = [];
  page.on('console', (message) => {
    if (['error', 'warning'].includes(message.type())) messages.push(message.text());
  });
  await page.goto('/screens.html?guide');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.frameLocator('iframe.guide-embed').first().locator('main#embed')).toHaveAttribute('data-ready', 'true');
  expect(messages).toEqual([]);
});
