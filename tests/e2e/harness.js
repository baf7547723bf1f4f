// Shared by the browser tests: where screenshots go, a button by its exact name, and a guard that
// fails any test during which the page logged an error or a warning, or threw.
const { test, expect } = require('@playwright/test');
const path = require('node:path');

const ARTIFACTS = path.join(__dirname, 'test-results', 'artifacts');
const button = (page, name) => page.getByRole('button', { name, exact: true });

// A test that provokes an error on purpose (a failed download) names what it expects, in the console
// or thrown; nothing else is let through. Warnings count too: a console a developer opens should be quiet.
let expected = null;
function expectConsoleErrors(pattern) {
  expected = pattern;
}

function failOnPageErrors() {
  let problems;
  test.beforeEach(({ page }) => {
    problems = [];
    expected = null;
    page.on('console', (msg) => {
      const worrying = msg.type() === 'error' || msg.type() === 'warning';
      if (worrying && !(expected && expected.test(msg.text()))) problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => {
      if (!(expected && expected.test(err.message))) problems.push(`pageerror: ${err.message}`);
    });
  });
  test.afterEach(() => expect(problems, 'console errors and warnings, page errors').toEqual([]));
}

module.exports = { ARTIFACTS, button, expectConsoleErrors, failOnPageErrors };
