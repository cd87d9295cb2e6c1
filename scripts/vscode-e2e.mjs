// Drives code-server in Debian's headless chromium (playwright-core): opens pyproject.toml of the
// fixture project, waits for the extension's server to publish the two errors, reads their
// messages in the Problems panel, asks for completion inside an empty classifier string, and saves
// screenshots. Prints a JSON report; exits 1 when a check fails.
// Run by scripts/test-vscode-e2e.sh, which sets CS_URL, OUT_DIR and TOOLS (where playwright-core is).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(path.join(process.env.TOOLS ?? '.', 'package.json'));
const { chromium } = require('playwright-core');

const url = process.env.CS_URL;
const out = process.env.OUT_DIR ?? '.';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'pyproject-lsp-chromium-'));
const report = { checks: {}, failed: [] };
const check = (name, ok, detail) => {
  report.checks[name] = ok ? 'pass' : 'FAIL';
  if (!ok) report.failed.push(detail ? `${name}: ${detail}` : name);
  return ok;
};

const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
try {
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // Open the file from the Explorer (Quick Open does not open it reliably in code-server).
  await page
    .locator('.explorer-folders-view .monaco-list-row', { hasText: 'pyproject.toml' })
    .first()
    .click({ timeout: 30_000 });
  await page.waitForSelector('.monaco-editor .view-lines', { timeout: 15_000 });

  // 1. The two errors are underlined.
  const squiggles = page.locator('.monaco-editor .squiggly-error');
  const twoErrors = await page
    .waitForFunction(() => document.querySelectorAll('.monaco-editor .squiggly-error').length >= 2, null, {
      timeout: 30_000,
    })
    .then(() => true, () => false);
  report.errorSquiggles = await squiggles.count();
  check('error-squiggles', twoErrors, `${report.errorSquiggles} error squiggles, expected 2`);
  await page.screenshot({ path: `${out}/diagnostics.png` });

  // 2. Their messages, as the Problems panel lists them.
  await page.keyboard.press('Control+Shift+M');
  const rows = page.locator('.markers-panel .monaco-list-row');
  await rows.first().waitFor({ timeout: 15_000 }).catch(() => {});
  report.problems = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  const problems = report.problems.join('\n');
  check('message-invalid-version', /1\.0\.0\.x/.test(problems) && /PEP 440/i.test(problems), 'no problem about `1.0.0.x`');
  check('message-unknown-key', /requires_python/.test(problems), 'no problem about `requires_python`');
  check('problem-codes', /PP1\d\d/.test(problems), 'no PP1xx code in the Problems panel');
  await page.screenshot({ path: `${out}/problems.png` });

  // 3. Completion inside the empty classifier string on line 7: `    "",`.
  await page.locator('.monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+G');
  await page.keyboard.type('7:6');
  await page.keyboard.press('Enter');
  // Go to Line moves the cursor again as its input closes; a suggest session started before that
  // is cancelled by the cursor move. Let it settle, keep the mouse off the text (no hovers), and
  // invoke completion again if the first session was cancelled.
  await page.mouse.move(5, 5);
  await page.waitForTimeout(500);
  const suggestRow = page.locator('.suggest-widget .monaco-list-row');
  let gotList = false;
  for (let attempt = 1; attempt <= 3 && !gotList; attempt++) {
    await page.keyboard.press('Control+Space');
    gotList = await suggestRow
      .first()
      .waitFor({ timeout: 5_000 })
      .then(() => true, () => false);
    report.completionAttempts = attempt;
  }
  report.completionLabels = gotList
    ? (await page.locator('.suggest-widget .monaco-list-row .label-name').allInnerTexts()).slice(0, 12)
    : [];
  report.suggestMessage = await page
    .locator('.suggest-widget .message')
    .innerText({ timeout: 1000 })
    .catch(() => '');
  check(
    'completion-classifier',
    report.completionLabels.some((l) => / :: /.test(l)),
    `no classifier in the suggest widget (${report.completionLabels.length} items${report.suggestMessage ? `, "${report.suggestMessage}"` : ''})`,
  );
  await page.screenshot({ path: `${out}/completion.png` });
} catch (e) {
  check('driver', false, e instanceof Error ? e.message.split('\n')[0] : String(e));
  await page.screenshot({ path: `${out}/failed.png` }).catch(() => {});
} finally {
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(report, null, 1));
process.exit(report.failed.length === 0 ? 0 : 1);
