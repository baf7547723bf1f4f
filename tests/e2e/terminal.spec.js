// The terminal, as a learner uses it at 1024×768: two lessons solved by typing only (tab completion
// and history included), the sandbox's terminal answering in the tools' words, and bad input met
// with the tool's own kind of error. What is asserted is what the learner reads.
const { test, expect } = require('@playwright/test');
const path = require('node:path');

const { ARTIFACTS, button, failOnPageErrors } = require('./harness');

failOnPageErrors();
test.use({ viewport: { width: 1024, height: 768 } });

const prompt = (page) => page.getByLabel('$ Command');
const screen = (page) => page.getByRole('log', { name: 'Terminal output' });

/** Types a line (key by key, as a person would) and presses Enter. */
async function type(page, line) {
  await prompt(page).pressSequentially(line);
  await prompt(page).press('Enter');
  await expect(prompt(page)).toHaveValue('');
}

/** Plays until the stage bar says the lesson is passed. */
async function playToPass(page) {
  await page.getByLabel('Speed').selectOption('32');
  await button(page, 'Play').click();
  await expect(page.getByTestId('passed-chip')).toBeInViewport({ timeout: 45_000 });
  await expect(page.getByTestId('passed-chip')).toContainText('✓ Lesson passed');
}

/** Plays until `text` shows on the terminal, then pauses. */
async function playUntil(page, text) {
  await page.getByLabel('Speed').selectOption('8');
  await button(page, 'Play').click();
  await expect(screen(page)).toContainText(text, { timeout: 30_000 });
  await button(page, 'Pause').click();
}

test('canary: a learner promotes a canary twice with kubectl argo rollouts, by typing only', async ({ page }) => {
  await page.goto('/?lesson=canary-at-the-terminal');
  const lesson = page.getByTestId('lesson');
  await expect(lesson.getByRole('heading', { name: 'Drive a canary from the terminal' })).toBeVisible();
  // A typed lesson shows the terminal, not the rollout's buttons.
  await expect(page.getByTestId('terminal')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Promote', exact: true })).toHaveCount(0);

  // Tab completion, word by word.
  await prompt(page).pressSequentially('kub');
  await prompt(page).press('Tab');
  await expect(prompt(page)).toHaveValue('kubectl ');
  await prompt(page).pressSequentially('argo rol');
  await prompt(page).press('Tab');
  await expect(prompt(page)).toHaveValue('kubectl argo rollouts ');
  await prompt(page).pressSequentially('get ro');
  await prompt(page).press('Tab');
  await expect(prompt(page)).toHaveValue('kubectl argo rollouts get rollout ');
  await prompt(page).press('Tab');
  await expect(prompt(page)).toHaveValue('kubectl argo rollouts get rollout web ');
  await prompt(page).press('Enter');
  await expect(screen(page)).toContainText('Name:            web');
  await expect(screen(page)).toContainText('Strategy:        Canary');

  // Time passes: the canary reaches its first pause.
  await type(page, 'kubectl argo rollouts get rollout web --watch');
  await playUntil(page, 'CanaryPauseStep');
  await expect(screen(page)).toContainText('॥ Paused');
  await prompt(page).press('Control+c');
  await expect(screen(page)).toContainText('^C');

  await type(page, 'kubectl argo rollouts promote web');
  await expect(screen(page)).toContainText("rollout 'web' promoted");
  await page.screenshot({ path: path.join(ARTIFACTS, 'terminal-canary-promoted.png') });

  // The second pause; the Up arrow brings the promote back.
  await type(page, 'kubectl argo rollouts get rollout web -w');
  await playUntil(page, 'SetWeight:     50');
  await expect(screen(page)).toContainText('CanaryPauseStep');
  await prompt(page).press('Control+c');
  await prompt(page).press('ArrowUp');
  await prompt(page).press('ArrowUp');
  await expect(prompt(page)).toHaveValue('kubectl argo rollouts promote web');
  await prompt(page).press('Enter');
  await playToPass(page);
  await type(page, 'kubectl argo rollouts get rollout web');
  await expect(screen(page)).toContainText('Status:          ✔ Healthy');
  await page.screenshot({ path: path.join(ARTIFACTS, 'terminal-canary-passed.png') });
});

test('instance refresh: a learner starts and follows a refresh with aws autoscaling', async ({ page }) => {
  await page.goto('/?lesson=instance-refresh-from-the-cli');
  await expect(page.getByTestId('terminal')).toBeVisible();
  // A misspelt preference is refused the way the AWS CLI refuses it, and nothing starts.
  await type(page, `aws autoscaling start-instance-refresh --auto-scaling-group-name web-asg --preferences '{"MinHealthyPercent": 80}'`);
  await expect(screen(page)).toContainText('Unknown parameter in Preferences: "MinHealthyPercent", must be one of: MinHealthyPercentage');
  await type(page, 'aws autoscaling describe-instance-refreshes --auto-scaling-group-name web-asg');
  await expect(screen(page)).toContainText('"InstanceRefreshes": []');
  // The new image lands in the first tick.
  await button(page, 'Step one tick').click();
  await type(page, 'docker image ls');
  await expect(screen(page)).toContainText('v2.1.0');

  // Completion of the operation and the group's name.
  await prompt(page).pressSequentially('aws autoscaling sta');
  await prompt(page).press('Tab');
  await expect(prompt(page)).toHaveValue('aws autoscaling start-instance-refresh ');
  await prompt(page).pressSequentially('--auto-scaling-group-name ');
  await prompt(page).press('Tab');
  await expect(prompt(page)).toHaveValue('aws autoscaling start-instance-refresh --auto-scaling-group-name web-asg ');
  await prompt(page).pressSequentially(`--preferences '{"MinHealthyPercentage": 80}'`);
  await prompt(page).press('Enter');
  await expect(screen(page)).toContainText('"InstanceRefreshId":');

  await page.getByLabel('Speed').selectOption('4');
  await button(page, 'Step one tick').click();
  await button(page, 'Step one tick').click();
  await type(page, 'aws autoscaling describe-instance-refreshes --auto-scaling-group-name web-asg');
  await expect(screen(page)).toContainText('"Status": "InProgress"');
  await expect(screen(page)).toContainText('"MinHealthyPercentage": 80');
  await page.screenshot({ path: path.join(ARTIFACTS, 'terminal-refresh-in-progress.png') });
  await playToPass(page);
  await type(page, 'aws autoscaling describe-instance-refreshes --auto-scaling-group-name web-asg');
  await expect(screen(page)).toContainText('"Status": "Successful"');
  await expect(screen(page)).toContainText('"PercentageComplete": 100');
});

test('the sandbox terminal answers in the tools own words, mistakes included', async ({ page }) => {
  await page.goto('/?scenario=sandbox');
  await expect(page.getByTestId('terminal')).toBeVisible();
  await type(page, 'kubctl get pods');
  await expect(screen(page)).toContainText('bash: kubctl: command not found');
  await expect(screen(page)).toContainText('Did you mean this?');
  await type(page, 'kubectl rollot status');
  await expect(screen(page)).toContainText('error: unknown command "rollot" for "kubectl"');
  await type(page, 'kubectl get pods --bogus');
  await expect(screen(page)).toContainText('error: unknown flag: --bogus');
  await type(page, `echo 'unclosed`);
  await expect(screen(page)).toContainText("bash: unexpected EOF while looking for matching `''");
  await type(page, 'kubectl argo rollouts get rollout web');
  await expect(screen(page)).toContainText('Error: rollouts.argoproj.io "web" not found');
  await expect(screen(page)).toContainText("hint: this fleet is a Kubernetes Deployment");
  await type(page, 'kubectl get deploy,rs,pods');
  await expect(screen(page)).toContainText('NAME                  READY   UP-TO-DATE   AVAILABLE   AGE');
  await type(page, 'kubectl scale deployment/web --replicas=6');
  await expect(screen(page)).toContainText('deployment.apps/web scaled');
  // A new release, built and rolled out by typing.
  await type(page, 'docker build -t web:v9 --build-arg APP_VERSION=9.0.0 .');
  await expect(screen(page)).toContainText('naming to docker.io/library/web:v9');
  await type(page, 'kubectl set image deployment/web web=web:v9');
  await expect(screen(page)).toContainText('deployment.apps/web image updated');
  await type(page, 'kubectl rollout status deployment/web');
  await expect(screen(page)).toContainText('Waiting for deployment "web" rollout to finish');
  await button(page, 'Play').click();
  await expect(screen(page)).toContainText('deployment "web" successfully rolled out', { timeout: 30_000 });
  await button(page, 'Pause').click();
  await page.screenshot({ path: path.join(ARTIFACTS, 'terminal-sandbox.png') });
  // Tab is the terminal's while a line is typed; Escape leaves it, for a keyboard.
  await prompt(page).pressSequentially('kubectl get');
  await prompt(page).press('Escape');
  await expect(prompt(page)).not.toBeFocused();
  // The scale is the learner's own command: it is in the share link like a button's would be.
  const share = await page.getByTestId('share-session').getAttribute('href');
  expect(share).toContain('log=');
});
