// Browser benchmark (not a test): frame rate and frame-time percentiles of the lab in Chromium while a
// large fleet rolls out at 32× speed. Needs the release dist/ served (node serve-dist.mjs) and prints
// one JSON line per fleet size. Usage: node bench-fps.mjs [baseURL] [fleet sizes…]
// LAB_FPS_SCENARIO picks another built-in scenario than `demo` (whose rollout surges 3 at a time):
// `instance-refresh` replaces a large share of the fleet at once.
import { chromium } from 'playwright-core';

const base = process.argv[2] || 'http://127.0.0.1:8765';
const sizes = (process.argv.slice(3).length ? process.argv.slice(3) : ['40', '1000', '5000']).map(Number);
const SAMPLE_MS = 5000;
const scenario = process.env.LAB_FPS_SCENARIO || 'demo';

const browser = await chromium.launch({
  executablePath: process.env.LAB_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const fleet of sizes) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // `demo` deploys a new image at tick 6, so the sample covers a rollout in motion.
  await page.goto(`${base}/?scenario=${scenario}&fleet=${fleet}`);
  await page.waitForSelector('#lab[data-ready="true"]');
  await page.selectOption('#speed', '32');
  await page.getByRole('button', { name: 'Play', exact: true }).click();
  const result = await page.evaluate((sampleMs) => new Promise((resolve) => {
    const status = document.querySelector('[data-testid=status]');
    const startTick = Number(status.dataset.tick);
    const intervals = [];
    let last = performance.now();
    const started = last;
    const frame = (now) => {
      intervals.push(now - last);
      last = now;
      if (now - started < sampleMs) { requestAnimationFrame(frame); return; }
      intervals.sort((a, b) => a - b);
      const pick = (q) => intervals[Math.min(intervals.length - 1, Math.floor(q * intervals.length))];
      resolve({
        frames: intervals.length,
        fps: +(intervals.length * 1000 / (now - started)).toFixed(1),
        frame_ms_p50: +pick(0.5).toFixed(2),
        frame_ms_p95: +pick(0.95).toFixed(2),
        frame_ms_max: +intervals[intervals.length - 1].toFixed(2),
        ticks: Number(status.dataset.tick) - startTick,
      });
    };
    requestAnimationFrame(frame);
  }), SAMPLE_MS);
  console.log(JSON.stringify({ fleet, ...result }));
  await page.close();
}
await browser.close();
