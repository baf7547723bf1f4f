// Browser tests for the lab's release build. Run through ./scripts/test.sh, or here with `npx playwright test`
// after `trunk build --release` at the repo root.
const { defineConfig } = require('@playwright/test');

const PORT = Number(process.env.LAB_E2E_PORT || 8765);
// Set LAB_BASE_URL to test a lab that is already served elsewhere (e.g. trunk serve); then no server starts.
const external = process.env.LAB_BASE_URL;
const baseURL = external || `http://127.0.0.1:${PORT}`;

module.exports = defineConfig({
  testDir: '.',
  testMatch: '*.spec.js',
  outputDir: 'test-results', // failure screenshots/traces; the specs also write test-results/artifacts/
  reporter: [['list']],
  workers: 1, // two cores: parallel browsers would only make each test slower and flakier
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 10_000 }, // wasm start-up on a busy 2-core machine can exceed the 5 s default
  retries: 0, // a flaky test is a bug in the test or the app; do not hide it
  forbidOnly: !!process.env.CI,
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        headless: true,
        // Debian's Chromium: `npx playwright install` cannot download browsers on this machine.
        launchOptions: {
          executablePath: process.env.LAB_CHROMIUM || '/usr/bin/chromium',
          args: [
            '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            // No calls home: the machine has no internet and such requests only add noise and delay.
            '--disable-background-networking', '--disable-component-update', '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: external
    ? undefined
    : {
        command: 'node serve-dist.mjs',
        url: `${baseURL}/`,
        env: { LAB_E2E_PORT: String(PORT) },
        // Never test whatever else happens to hold the port; fail loudly instead.
        reuseExistingServer: false,
        timeout: 30_000,
        stdout: 'pipe',
        stderr: 'pipe',
      },
});
