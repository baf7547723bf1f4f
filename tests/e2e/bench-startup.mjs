// Browser benchmark (not a test): how fast the lab opens. For each run, a fresh browser context
// (nothing cached) loads the page from the served release dist/ and reports the first contentful
// paint and the moment the fleet is interactive (the lab marks itself data-ready="true" once the
// world is built and its controls answer), both from navigation start; then the median of the runs.
// Usage: node bench-startup.mjs [baseURL] [runs] [query]   (default: 5 runs of ?scenario=sandbox)
import { chromium } from 'playwright-core';

const base = process.argv[2] || 'http://127.0.0.1:8765';
const runs = Number(process.argv[3] || 5);
const query = process.argv[4] || '?scenario=sandbox';

const browser = await chromium.launch({
  executablePath: process.env.LAB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const results = [];
for (let run = 0; run < runs; run += 1) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  // Noted by the page itself, the moment the lab says it is ready: no polling delay in the figure.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('#lab[data-ready="true"]')) {
        window.__labReadyMs = performance.now();
        observer.disconnect();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
  });
  await page.goto(`${base}/${query}`);
  await page.waitForFunction(() => window.__labReadyMs !== undefined
    && performance.getEntriesByName('first-contentful-paint').length > 0);
  const timing = await page.evaluate(() => ({
    fcp_ms: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    interactive_ms: window.__labReadyMs,
  }));
  // A learner can act once the page is both painted and ready, whichever comes later.
  timing.usable_ms = Math.max(timing.fcp_ms, timing.interactive_ms);
  results.push(timing);
  await context.close();
}
await browser.close();
const median = (key) => {
  const values = results.map((r) => r[key]).filter((v) => v !== null).sort((a, b) => a - b);
  return values.length ? +values[Math.floor(values.length / 2)].toFixed(1) : null;
};
for (const r of results) {
  console.log(JSON.stringify({ fcp_ms: +r.fcp_ms.toFixed(1), ready_ms: +r.interactive_ms.toFixed(1), usable_ms: +r.usable_ms.toFixed(1) }));
}
console.log(JSON.stringify({
  runs, query, fcp_ms_median: median('fcp_ms'), ready_ms_median: median('interactive_ms'), usable_ms_median: median('usable_ms'),
}));
