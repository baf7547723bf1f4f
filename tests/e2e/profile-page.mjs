// Profiling aid (not a test): samples Chromium's CPU profiler while the lab plays a rollout of a
// large fleet at 32×, and prints where the time goes by function (self time). Build the page
// without wasm-opt (data-wasm-opt="0") to keep the function names. Usage:
//   node profile-page.mjs [baseURL] [fleet] [seconds]
import { chromium } from 'playwright-core';

const base = process.argv[2] || 'http://127.0.0.1:8765';
const fleet = Number(process.argv[3] || 10000);
const seconds = Number(process.argv[4] || 4);
const browser = await chromium.launch({
  executablePath: process.env.LAB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${base}/?scenario=demo&fleet=${fleet}`);
await page.waitForSelector('#lab[data-ready="true"]');
await page.selectOption('#speed', '32');
const cdp = await page.context().newCDPSession(page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
await page.getByRole('button', { name: 'Play', exact: true }).click();
await cdp.send('Profiler.start');
await page.waitForTimeout(seconds * 1000); // a profiling window, not a wait for a condition
const { profile } = await cdp.send('Profiler.stop');
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
let total = 0;
profile.samples.forEach((id, index) => {
  const frame = nodes.get(id).callFrame;
  const name = frame.functionName || `(anonymous ${frame.url.split('/').pop()}:${frame.lineNumber})`;
  self.set(name, (self.get(name) || 0) + profile.timeDeltas[index]);
  total += profile.timeDeltas[index];
});
for (const [name, time] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${(100 * time / total).toFixed(1).padStart(5)}%  ${name.slice(0, 140)}`);
}
await browser.close();
