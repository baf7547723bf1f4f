// Shared by the browser tests: where screenshots go, a button by its exact name, and a guard that
// fails any test during which the page logged an error or threw.
const { test, expect } = require('@playwright/test');
const path = require('node:path');

const ARTIFACTS = path.join(__dirname, 'test-results', 'artifacts');
const button = (page, name) => page.getByRole('button', { name, exact: true });

function failOnPageErrors() {
  let problems;
  test.beforeEach(({ page }) => {
    problems = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(`console: ${msg.text()}`));
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  });
  test.afterEach(() => expect(problems, 'console errors / page errors').toEqual([]));
}

module.exports = { ARTIFACTS, button, failOnPageErrors };
