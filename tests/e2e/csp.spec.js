// The page's Content-Security-Policy: it is in the built page, strict for scripts (its own files, the
// hashed loader, wasm; no eval, no other inline script), it blocks what an attacker would inject, and
// every page of the lab works under it without a single violation — in the page and in its iframes.
const { test, expect } = require('@playwright/test');
const crypto = require('node:crypto');
const fs = require('node:fs');

const { button, expectConsoleErrors, failOnPageErrors } = require('./harness');

failOnPageErrors();

const LESSON = 'thirty-snowflakes';

// The policy's directives by name, each a list of its sources.
function parsePolicy(text) {
  const directives = {};
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = sources;
  }
  return directives;
}

// The sources that decide which scripts run (script-src-elem and -attr fall back to script-src, which
// falls back to default-src).
function scriptSources(directives, which) {
  return directives[which] || directives['script-src'] || directives['default-src'] || [];
}

// Every frame records the violations it sees, from before its own scripts run (init scripts run in
// iframes too, so the guide's live labs are watched as well).
async function recordViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener(
      'securitypolicyviolation',
      (e) => window.__cspViolations.push(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`),
      true,
    );
  });
}

async function violations(page) {
  const all = [];
  for (const frame of page.frames()) {
    const seen = await frame.evaluate(() => window.__cspViolations || ['no violation recorder in this frame']);
    all.push(...seen.map((v) => `${frame.url()}: ${v}`));
  }
  return all;
}

test('the built page carries a strict policy whose hashes match its inline loader', async ({ page, request }) => {
  const html = await (await request.get('/')).text();
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  expect(metas, 'one CSP meta in the built index.html').toHaveLength(1);
  const policy = metas[0][1];
  expect(policy).not.toContain('{{');
  const directives = parsePolicy(policy);

  for (const which of ['script-src', 'script-src-elem', 'script-src-attr']) {
    const sources = scriptSources(directives, which);
    expect(sources, which).not.toContain("'unsafe-eval'");
    expect(sources, which).not.toContain("'unsafe-inline'");
    expect(sources, which).not.toContain('*');
    expect(sources.some((s) => /^(https?:|data:|blob:)/.test(s)), `${which}: ${sources}`).toBe(false);
  }
  expect(directives['script-src']).toContain("'wasm-unsafe-eval'");
  // Styles come only from the page's own stylesheet: no style elements, no style attributes.
  expect(directives['style-src-elem'] || directives['style-src']).toEqual(["'self'"]);
  expect(directives['style-src-attr'] || directives['style-src']).toEqual(["'self'"]);
  expect(directives['default-src']).toEqual(["'none'"]);
  expect(directives['object-src']).toEqual(["'none'"]);
  expect(["'none'", "'self'"]).toContain(directives['base-uri'].join(' '));
  expect(directives['form-action']).toBeDefined();

  // The meta comes before anything it governs; the hashes are exactly those of the inline scripts.
  const head = html.slice(0, metas[0].index);
  expect(head).not.toMatch(/<(script|link|style)\b/i);
  const inline = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, attrs]) => !/\ssrc=/i.test(` ${attrs}`));
  expect(inline.length, 'trunk writes an inline loader').toBeGreaterThanOrEqual(1);
  const hashes = inline.map(([, , text]) => `'sha256-${crypto.createHash('sha256').update(text, 'utf8').digest('base64')}'`);
  expect(directives['script-src'].filter((s) => s.startsWith("'sha")).sort()).toEqual([...new Set(hashes)].sort());

  // Subresource integrity guards the wasm-bindgen JS and the stylesheet on their links, and the
  // wasm on the loader's fetch (a preload's integrity is ignored for fetches, with a warning).
  expect(html).toMatch(/<link rel="modulepreload" href="\/[^"]+\.js"[^>]*integrity="sha384-/);
  expect(html).toMatch(/<link rel="preload" href="\/[^"]+\.wasm"(?![^>]*integrity)[^>]*>/);
  expect(html).toMatch(/fetch\('\/[^']+\.wasm', \{ integrity: 'sha384-[A-Za-z0-9+/=]+' \}\)/);
  expect(html).toMatch(/<link rel="stylesheet" href="\/[^"]+\.css"[^>]*integrity="sha384-/);

  // And the browser reads the same policy the page was served with, and starts the lab under it,
  // downloading the wasm once (the loader's fetch uses the preloaded response).
  await recordViolations(page);
  const wasmRequests = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmRequests.push(r.url()); });
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
  await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', policy);
  expect(await violations(page)).toEqual([]);
  expect(wasmRequests).toHaveLength(1);
});

for (const [name, address, started] of [
  ['the lab', '/?scenario=sandbox', 'main#lab[data-ready="true"]'],
  ["the other screens' page", '/screens.html?lessons', 'h1'],
]) {
  test(`${name}: a wasm that is not the one built is refused`, async ({ page }) => {
    expectConsoleErrors(/integrity|Failed to fetch/);
    // Whoever sits between the server and the learner changes one byte of the page's code.
    await page.route('**/*_bg.wasm', async (route) => {
      const response = await route.fetch();
      const body = await response.body();
      body[body.length - 1] ^= 0xff;
      await route.fulfill({ response, body });
    });
    const refused = page.waitForEvent('console', (m) => m.type() === 'error' && /integrity/.test(m.text()));
    await page.goto(address);
    await refused;
    // The page never starts the changed code, and says so where it said it was loading.
    await expect(page.getByRole('alert')).toHaveText(/could not start.*Reload the page/);
    await expect(page.locator(started)).toHaveCount(0);
  });
}

test('an injected inline script, an inline handler and eval are refused', async ({ page }) => {
  expectConsoleErrors(/Content Security Policy/);
  await recordViolations(page);
  await page.goto('/?scenario=sandbox');
  await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');

  const injected = await page.evaluate(async () => {
    const refused = new Promise((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
    const script = document.createElement('script');
    script.textContent = 'window.__injectedRan = true;';
    document.body.append(script); // an allowed script would have run by now
    if (window.__injectedRan === true) return { directive: null, ran: true };
    return { directive: await refused, ran: false };
  });
  expect(injected).toEqual({ directive: 'script-src-elem', ran: false });

  const handler = await page.evaluate(async () => {
    const refused = new Promise((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__handlerRan = true;');
    const failed = new Promise((resolve) => img.addEventListener('error', resolve, { once: true }));
    img.setAttribute('src', 'data:,not-an-image');
    document.body.append(img);
    await failed; // an allowed handler attribute runs before this listener
    img.remove();
    if (window.__handlerRan === true) return { directive: null, ran: true };
    return { directive: await refused, ran: false };
  });
  expect(handler).toEqual({ directive: 'script-src-attr', ran: false });

  const evaluated = await page.evaluate(async () => {
    const refused = new Promise((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
    const attempt = (f) => {
      try {
        f();
        return 'ran';
      } catch (e) {
        return e.name;
      }
    };
    // In a task of the page's own: DevTools lets code it evaluates itself use eval despite the policy.
    await new Promise((resolve) => setTimeout(resolve));
    const evalResult = attempt(() => eval('window.__evalRan = true'));
    const functionResult = attempt(() => new Function('window.__evalRan = true')());
    if (window.__evalRan === true) return { evalResult, functionResult, directive: null, ran: true };
    return { evalResult, functionResult, directive: await refused, ran: false };
  });
  expect(evaluated).toEqual({ evalResult: 'EvalError', functionResult: 'EvalError', directive: 'script-src', ran: false });

  // Nothing else was refused: the lab itself still runs.
  expect((await violations(page)).filter((v) => !/script-src(-elem|-attr)? refused (inline|eval)/.test(v))).toEqual([]);
  await button(page, 'Step one tick').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-tick', '1');
});

test.describe('every page works under the policy with no violation', () => {
  test.beforeEach(async ({ page }) => {
    await recordViolations(page);
  });
  test.afterEach(async ({ page }) => {
    expect(await violations(page), 'Content-Security-Policy violations').toEqual([]);
  });

  test('the lab: fleet, pipeline, rollout bars, export copy and download', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/?scenario=sandbox');
    await expect(page.locator('main#lab')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('canvas.fleet-canvas')).toBeVisible();
    await page.getByLabel('openssl version').fill('3.0.12');
    await page.getByLabel('App version').fill('1.0.1');
    await button(page, 'Run pipeline').click();
    await page.getByLabel('Speed').selectOption('32');
    await button(page, 'Play').click();
    await expect(page.getByRole('button', { name: 'Approve run 1' })).toBeVisible({ timeout: 30_000 });
    await button(page, 'Pause').click();
    // Bars sized by their style attribute are drawn at their size.
    const widths = await page.locator('.bar-ready, .stage-progress').evaluateAll((els) => els.map((el) => el.getBoundingClientRect().width));
    expect(widths.some((w) => w > 0), `bar widths ${widths}`).toBe(true);

    // The export is made on demand, by the worker the terminal also uses (under the same policy).
    await button(page, 'Show the Dockerfile').click();
    await expect(page.getByTestId('export-text')).toHaveAttribute('aria-busy', 'false');
    const text = await page.getByTestId('export-text').innerText();
    await button(page, 'Copy').click();
    await expect(button(page, 'Copied')).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download', exact: true }).click()]);
    expect(download.suggestedFilename()).toMatch(/^Dockerfile/);
    expect(fs.readFileSync(await download.path(), 'utf8').trim()).toBe(text.trim());
  });

  test('the lessons page lists the fetched lessons and exports progress', async ({ page }) => {
    await page.goto('/?lessons');
    await expect(page.locator('main#lessons')).toHaveAttribute('data-ready', 'true');
    expect(await page.locator('li[data-lesson]').count()).toBeGreaterThanOrEqual(24);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export progress' }).click()]);
    expect(download.suggestedFilename()).toBe('lab-progress.json');
    expect(JSON.parse(fs.readFileSync(await download.path(), 'utf8'))).toHaveProperty('lessons');
  });

  test('a lesson opens and plays', async ({ page }) => {
    await page.goto(`/?lesson=${LESSON}`);
    await expect(page.getByTestId('lesson')).toHaveAttribute('data-state', 'working');
    await expect(page.locator('canvas.fleet-canvas')).toBeVisible();
    await button(page, 'Step one tick').click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-tick', '1');
  });

  test('the guide and every live lab embedded in it', async ({ page }) => {
    await page.goto('/?guide');
    await expect(page.locator('main#guide')).toHaveAttribute('data-ready', 'true');
    const frames = page.locator('iframe.guide-embed');
    await expect(frames).toHaveCount(6);
    for (let i = 0; i < 6; i++) {
      await frames.nth(i).scrollIntoViewIfNeeded(); // they load lazily
      await expect(page.frameLocator('iframe.guide-embed').nth(i).locator('main#embed')).toHaveAttribute('data-ready', 'true');
    }
  });

  test('the glossary', async ({ page }) => {
    await page.goto('/?glossary');
    await expect(page.locator('main#glossary')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('[id^="term-"]').first()).toBeVisible();
  });

  test('the lesson builder, its download and its lesson link', async ({ page }) => {
    await page.goto('/?builder');
    await expect(page.locator('main#builder')).toHaveAttribute('data-valid', 'true');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON' }).click()]);
    expect(JSON.parse(fs.readFileSync(await download.path(), 'utf8')).id).toBe('my-first-lesson');
    const link = await page.getByTestId('try-lesson').getAttribute('href');
    expect(link).toContain('lesson-data=');
    await page.goto(link);
    await expect(page.getByTestId('lesson')).toHaveAttribute('data-lesson', 'my-first-lesson');
  });

  test('the compact lab for iframes', async ({ page }) => {
    await page.goto('/?embed=demo');
    await expect(page.locator('main#embed')).toHaveAttribute('data-ready', 'true');
    await expect(page.locator('canvas.fleet-canvas')).toBeVisible();
    await button(page, 'Step one tick').click();
    await expect(page.locator('main#embed')).toHaveAttribute('data-tick', '1');
  });
});
