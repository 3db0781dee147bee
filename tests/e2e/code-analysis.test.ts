/**
 * Browser end-to-end test of code analysis: connect a local repository with vulnerable code,
 * start an analysis from the Repositories page, watch the run page reach "completed" with
 * its findings listed, filter the findings table by severity, open a finding (coloured code,
 * rule help), ignore it with a reason and see its status change; leave the run page and come
 * back: the same run, where it was, never a restart.
 * Needs a built web app (`npx vite build`); uses the system Chromium via playwright-core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkTree } from '../../src/testing/git-http-server.js';
import { artifacts, setUpAdmin, shot, startE2e, UUID, type E2eEnv } from './harness.js';

let env: E2eEnv | undefined;
const lines: string[] = [];
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-analysis-e2e-')));

beforeAll(async () => {
  env = await startE2e('code-analysis', lines);
});

afterAll(async () => {
  await env?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

let page: Page | undefined;

const GIT_TS = `import { exec } from 'node:child_process';

export function gitLog(branch: string) {
  return exec('git log ' + branch);
}
`;
const EVAL_TS = `// Runs a user's snippet.
export function run(code: string) {
  return eval(code);
}
`;
const FILES_TS = `import fs from 'node:fs';
import path from 'node:path';

export function readUpload(name: string) {
  return fs.readFileSync(path.join('/srv/uploads', name), 'utf8');
}
`;

const runUrl = new RegExp(`/repositories/${UUID}/analysis/(${UUID})$`);

describe('code analysis pages', () => {
  it('analyses a repository live, lists and filters its findings, ignores one, and shows the same run on return', async ({
    onTestFailed,
  }) => {
    onTestFailed(async () => {
      await page?.screenshot({ path: path.join(artifacts, 'code-analysis-failure.png') }).catch(() => undefined);
    });
    if (!env) throw new Error('no e2e environment');
    const dir = path.join(work, 'shop');
    makeWorkTree(dir, [
      {
        'src/git.ts': GIT_TS,
        'src/run.ts': EVAL_TS,
        'src/files.ts': FILES_TS,
        'vendor/lib.js': 'eval(window.name);\n',
      },
    ]);
    const a = await env.newPage();
    page = a;
    await setUpAdmin(a, lines, { workspace: 'Acme', project: 'Platform' });
    await a.getByTestId('project-card').filter({ hasText: 'Platform' }).getByRole('link').first().click();
    await a.getByTestId('project-repositories').click();
    await a.waitForURL(/\/repositories$/);
    await a.getByRole('button', { name: 'Connect repository' }).click();
    await a.getByRole('button', { name: 'Local directory' }).click();
    await a.getByLabel('Directory on the server').fill(dir);
    await a.getByRole('button', { name: 'Connect', exact: true }).click();
    const row = a.getByTestId('repository-row').filter({ hasText: 'shop' });
    await row.getByText('Not analysed').waitFor();

    // Analyse: straight to the run page, which fills in until it is completed.
    await row.getByTestId('repository-analyse').click();
    await a.waitForURL(runUrl);
    const runId = runUrl.exec(a.url())?.[1];
    await a.getByTestId('stage-bar').waitFor();
    // Leave at once (the run is most likely still going) and come back through the run's link:
    // the same run, not a second one.
    await a.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Repositories' }).click();
    await a.waitForURL(/\/repositories$/);
    await row.getByTestId('repository-last-run').click();
    await a.waitForURL(runUrl);
    expect(runUrl.exec(a.url())?.[1]).toBe(runId);
    await a.getByTestId('analysis-status').getByText('completed').waitFor({ timeout: 45_000 });
    const live = a.getByTestId('live-finding');
    await live.filter({ hasText: 'src/git.ts:4' }).waitFor();
    await live.filter({ hasText: 'src/run.ts:3' }).waitFor();
    await live.filter({ hasText: 'src/files.ts:5' }).waitFor();
    expect(await live.filter({ hasText: 'js/command-injection' }).count()).toBe(1);
    expect(await live.filter({ hasText: 'js/code-injection' }).count()).toBe(1);
    expect(await a.getByTestId('analysis-files').textContent()).toBe('3/3');
    // Every stage is done, and the triage note says why it did not run (no LLM key here).
    const pills = a.getByTestId('stage-pill');
    expect(await pills.count()).toBe(7);
    for (let i = 0; i < 7; i++) expect(await pills.nth(i).getAttribute('data-state')).toBe('done');
    await a
      .getByTestId('analysis-notes')
      .getByText(/triage/)
      .waitFor();
    // The vendored directory is skipped, with its reason (and its eval is not a finding).
    await a.getByTestId('analysis-skipped').getByText('Skipped files (1)').click();
    await a
      .getByTestId('analysis-skipped')
      .getByText(/vendor\/ — vendored/)
      .waitFor();
    expect(await a.getByTestId('analysis-sarif').getAttribute('href')).toContain(
      `/api/v1/code-analysis/${runId}/sarif`,
    );
    expect(await a.getByTestId('analysis-cancel').count()).toBe(0);
    await shot(a, 'code-analysis-run.png');

    // The SARIF download is a 2.1.0 log with the run's results.
    const sarif = await a.evaluate(
      `fetch(${JSON.stringify(await a.getByTestId('analysis-sarif').getAttribute('href'))}).then((r) => r.json())`,
    );
    expect((sarif as { version: string }).version).toBe('2.1.0');

    // Away and back: the Repositories page links this run, which shows as it ended (not a new run).
    await a.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Repositories' }).click();
    await a.waitForURL(/\/repositories$/);
    await row.getByTestId('repository-last-run').getByText('completed · 3 findings').waitFor();
    await row.getByTestId('repository-last-run').click();
    await a.waitForURL(runUrl);
    expect(runUrl.exec(a.url())?.[1]).toBe(runId);
    await a.getByTestId('analysis-status').getByText('completed').waitFor();
    await live.filter({ hasText: 'src/git.ts:4' }).waitFor();
    expect(await live.count()).toBe(3);

    // The findings table, filtered by severity from the facet counts.
    await a.getByTestId('analysis-findings-link').click();
    await a.waitForURL(/\/findings$/);
    const rows = a.getByTestId('finding-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(3);
    // Most severe first: the two critical ones, then the high one.
    expect(await rows.getByTestId('finding-severity').allTextContents()).toEqual(['critical', 'critical', 'high']);
    const severity = a.getByLabel('Severity');
    expect(await severity.locator('option').allTextContents()).toContain('high (1)');
    await severity.selectOption('high');
    await expect.poll(() => rows.count()).toBe(1);
    await rows.filter({ hasText: 'src/files.ts:5' }).waitFor();
    await severity.selectOption('critical');
    await expect.poll(() => rows.count()).toBe(2);
    await a.getByLabel('Group by').selectOption('file');
    expect(await a.getByTestId('findings-group').count()).toBe(2);
    await shot(a, 'code-analysis-findings.png');

    // One finding: the code with its line highlighted and coloured, the rule's help.
    await rows.filter({ hasText: 'src/git.ts:4' }).getByRole('link').click();
    await a.waitForURL(new RegExp(`/findings/${UUID}$`));
    expect(await a.getByTestId('finding-rule-id').textContent()).toBe('js/command-injection');
    const hit = a.getByTestId('finding-code').locator('[data-hit]');
    expect(await hit.count()).toBe(1);
    expect(await hit.getAttribute('data-line')).toBe('4');
    expect(await hit.textContent()).toContain("exec('git log ' + branch)");
    expect(await hit.locator('.tok-string').first().textContent()).toBe("'git log '");
    expect(await hit.locator('.tok-keyword').first().textContent()).toBe('return');
    await a.getByTestId('finding-help').waitFor();
    expect((await a.getByTestId('finding-help').textContent())?.length).toBeGreaterThan(40);
    await a.getByRole('link', { name: 'CWE-78' }).waitFor();
    expect(await a.getByTestId('finding-meta').getByTestId('finding-status').textContent()).toBe('open');

    // Ignore without a reason: the server's field error under the select. Then with one.
    await a.getByTestId('finding-ignore').click();
    await a.locator('#finding-ignore-reason-error').waitFor();
    await a.getByLabel('Reason').selectOption('used-in-tests');
    await a.getByLabel('Note').fill('Only the test harness calls this.');
    await a.getByTestId('finding-ignore').click();
    await a.getByTestId('finding-meta').getByTestId('finding-status').getByText('ignored').waitFor();
    await a.getByTestId('finding-ignored').getByText('Used in tests').waitFor();
    await a.getByTestId('finding-ignored').getByText('Only the test harness calls this.').waitFor();
    await shot(a, 'code-analysis-finding.png');

    // Back in the table (the filters are in the address, so they are still set) its status chip
    // says so, and the status facet counts it.
    await a.goBack();
    await a.waitForURL(/\/findings\?.*severity=critical/);
    expect(await a.getByLabel('Severity').inputValue()).toBe('critical');
    expect(await a.getByLabel('Group by').inputValue()).toBe('file');
    await rows.filter({ hasText: 'src/git.ts:4' }).getByTestId('finding-status').getByText('ignored').waitFor();
    expect(await a.getByLabel('Status').locator('option').allTextContents()).toContain('ignored (1)');

    // Unignore puts it back to open.
    await rows.filter({ hasText: 'src/git.ts:4' }).getByRole('link').click();
    await a.getByTestId('finding-unignore').click();
    await a.getByTestId('finding-meta').getByTestId('finding-status').getByText('open').waitFor();
  });
});
