/**
 * Browser end-to-end test of workflows with the offline provider (no keys): a workflow
 * from the Security Review template, live template checking and autocomplete in the
 * builder, a run followed live over SSE, the same outputs after a reload, approving a
 * proposed insight, linking it to the workflow for {{memory}}, and the Markdown export.
 * Needs a built web app (`npm run build:web`); uses the system Chromium via playwright-core.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, dismissToasts, setUpAdmin, shot, UUID, startE2e, nav, waitUntil, type E2eEnv } from './harness.js';

let env: E2eEnv | undefined;
const lines: string[] = [];

beforeAll(async () => {
  // The fake provider is only added in the second test: the first one runs offline, without keys.
  env = await startE2e('workflows', lines, { withFakeLlm: true });
});

afterAll(async () => {
  await env?.close();
});

let page: Page | undefined;
/** The first test's signed-in page, reused by the second. */
let signedIn: Page | undefined;

const CODE = `// routes/users.js
app.get('/users', async (req, res) => {
  const rows = await db.query("SELECT * FROM users WHERE name = '" + req.query.name + "'");
  res.send('<h1>Results for ' + req.query.name + '</h1>' + JSON.stringify(rows));
});
// The session cookie is set without the HttpOnly and Secure flags.
const API_KEY = 'sk-live-1234567890abcdef'; // hard-coded secret checked into the repository
`;

// Strings: this file is type-checked without the DOM library.
const FOUR_FINAL_OUTPUTS = 'document.querySelectorAll(\'[data-testid="step-output"] .markdown\').length === 4';

describe('workflows', () => {
  it('builds a workflow from a template, checks its prompts live, runs it and follows the run', async ({
    onTestFailed,
  }) => {
    onTestFailed(async () => {
      await page
        ?.screenshot({ path: path.join(artifacts, 'workflows-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    const a = await env!.newPage();
    page = a;
    // Nothing on these pages may break the CSP (zod's eval probe once did) or miss a resource (the favicon did).
    const problems: string[] = [];
    a.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|status of 404/.test(m.text())) problems.push(m.text());
    });

    // --- Admin: first-run setup, a workspace and a project ---
    await setUpAdmin(a, lines, { workspace: 'Acme', project: 'Payments' });

    // --- New from template: Security Review for the project ---
    await nav(a, 'Workflows').click();
    await a.waitForURL(/\/workflows$/);
    await a.getByTestId('empty-state').waitFor();
    await a.getByRole('button', { name: 'New from template' }).click();
    const form = a.getByTestId('template-form');
    await form.getByTestId('template-choice').first().waitFor();
    expect(await form.getByTestId('template-choice').count()).toBe(3);
    await form.getByRole('radio', { name: /Security Review/ }).check();
    await form.getByLabel('Project', { exact: true }).selectOption({ label: 'Payments' });
    await shot(a, 'workflows-template.png');
    await form.getByRole('button', { name: 'Create workflow' }).click();
    await a.waitForURL(new RegExp(`/workflows/${UUID}$`));
    await a.getByRole('heading', { name: 'Security Review', level: 1 }).waitFor();
    const cards = a.getByTestId('step-card');
    expect(await cards.count()).toBe(4);
    expect(await a.getByLabel('Project', { exact: true }).inputValue()).not.toBe('');

    // --- Live checking: an unknown variable, its suggestion, then autocomplete ---
    const scan = cards.first();
    const prompt = scan.getByLabel('Prompt');
    const original = await prompt.inputValue();
    await prompt.focus();
    await a.keyboard.press('Control+End');
    await a.keyboard.type('\nFocus on {{inptu}}.');
    const issue = scan.getByTestId('prompt-issue');
    await issue.filter({ hasText: 'Unknown variable {{inptu}}' }).waitFor();
    expect(await issue.textContent()).toContain('did you mean {{input}}?');
    await shot(a, 'workflow-builder-issue.png', { isScrolled: false });
    await scan.getByRole('button', { name: 'Replace {{inptu}} with {{input}}' }).click();
    await issue.waitFor({ state: 'detached' });
    expect(await prompt.inputValue()).toBe(`${original}\nFocus on {{input}}.`);

    await prompt.focus();
    await a.keyboard.press('Control+End');
    await a.keyboard.type(' Project: {{proj');
    const menu = scan.getByTestId('variable-menu');
    await menu.getByRole('option', { name: '{{project.wisdom}}' }).waitFor();
    await scan.screenshot({ path: path.join(artifacts, 'workflow-autocomplete.png') });
    await a.keyboard.press('Enter');
    await menu.waitFor({ state: 'detached' });
    expect(await prompt.inputValue()).toBe(`${original}\nFocus on {{input}}. Project: {{project.wisdom}}`);
    // Every later step of this template names the earlier ones: no automatic context.
    expect(await a.getByTestId('auto-context-note').count()).toBe(0);

    // --- Save errors land next to their fields: the server's (review steps need a project)… ---
    const project = a.getByLabel('Project', { exact: true });
    const projectId = await project.inputValue();
    await project.selectOption({ label: 'No project' });
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a
      .locator('.field-invalid')
      .filter({ has: project })
      .getByText('proposes insights, which belong to a project')
      .waitFor();
    await project.selectOption(projectId);
    // …and the schema's, checked before sending (a step name with a space).
    await cards.nth(3).getByLabel('Step name').fill('Exec summary');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await cards.nth(3).getByText('Use a letter first').waitFor();
    await a.getByTestId('save-problems').waitFor();
    await cards.nth(3).getByLabel('Step name').fill('Summary');

    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.getByTestId('toast-success').filter({ hasText: 'Workflow saved' }).waitFor();
    await a.getByText('All changes saved').waitFor();

    // --- Run it and follow the run live ---
    await a.getByLabel('Input').fill(CODE);
    await a.getByRole('button', { name: 'Start run' }).click();
    await a.waitForURL(new RegExp(`/runs/${UUID}$`));
    const runUrl = a.url();
    await a.getByRole('heading', { name: /Security Review/, level: 1 }).waitFor();
    const pills = a.getByTestId('step-pill');
    await pills.first().waitFor();
    expect(await pills.count()).toBe(4);
    const status = a.getByTestId('run-status');
    await status.filter({ hasText: 'completed' }).waitFor({ timeout: 45_000 });
    // The pills follow the same stream as the status; give the last frame a moment to render.
    await expect
      .poll(async () => Promise.all((await pills.all()).map((p) => p.getAttribute('data-status'))), { timeout: 5_000 })
      .toEqual(['completed', 'completed', 'completed', 'completed']);
    const outputs = a.getByTestId('run-step').getByTestId('step-output').locator('.markdown');
    await waitUntil(a, FOUR_FINAL_OUTPUTS);
    const before = await outputs.allInnerTexts();
    expect(before.every((t) => t.trim().length > 0)).toBe(true);
    // The input quotes HTML (`<h1>` in a template string): answers show it as text, never as markup.
    expect(await outputs.locator('h1').count()).toBe(0);
    expect(before.join('\n')).toContain('<h1>');
    expect(await a.getByTestId('run-duration').textContent()).not.toBe('—');
    await dismissToasts(a);
    await shot(a, 'workflow-run.png');

    // --- Reload: the events replay to the same state ---
    await a.reload();
    await status.filter({ hasText: 'completed' }).waitFor();
    await waitUntil(a, FOUR_FINAL_OUTPUTS);
    expect(await outputs.allInnerTexts()).toEqual(before);
    for (const pill of await pills.all()) expect(await pill.getAttribute('data-status')).toBe('completed');
    expect(a.url()).toBe(runUrl);

    // --- Proposed insights: approve one ---
    const insights = a.getByTestId('run-insight');
    await insights.first().waitFor();
    expect(await insights.count()).toBeGreaterThan(0);
    const first = insights.first();
    expect(await first.getAttribute('data-status')).toBe('proposed');
    await first.getByRole('button', { name: /^Approve/ }).click();
    await a.getByTestId('toast-success').filter({ hasText: 'Insight approved' }).waitFor();
    await insights.first().and(a.locator('[data-status="approved"]')).waitFor();
    await a.getByTestId('run-insights').scrollIntoViewIfNeeded();
    await shot(a, 'workflow-run-insights.png', { isScrolled: false });

    // --- Exports answer with the report ---
    const href = await a.getByTestId('export-md').getAttribute('href');
    expect(href).toMatch(/\/report\.md\?tenant=/);
    const report = await a.request.get(href!);
    expect(report.status()).toBe(200);
    expect(await report.text()).toContain('Security Review');
    const zip = await a.request.get((await a.getByTestId('export-zip').getAttribute('href'))!);
    expect(zip.status()).toBe(200);

    // --- An insight by hand, linked to the workflow: {{memory}} hands it to the prompts ---
    const linkedTitle = 'Live API key committed to the repository';
    await nav(a, 'Memory').click();
    await a
      .getByRole('navigation', { name: 'Memory sections' })
      .getByRole('link', { name: 'Insights', exact: true })
      .click();
    await a.waitForURL(/\/memory\/insights$/);
    await a.getByRole('button', { name: 'New insight' }).click();
    const insightForm = a.getByTestId('new-insight-form');
    await insightForm.getByLabel('Project').selectOption({ label: 'Payments' });
    await insightForm.getByLabel('Type').selectOption('pain_point');
    await insightForm.getByLabel('Severity').selectOption('high');
    await insightForm.getByLabel('Category').fill('security');
    await insightForm.getByLabel('Title').fill(linkedTitle);
    await insightForm.getByLabel('Detail').fill('routes/users.js hard-codes a live API key.');
    await insightForm.getByLabel('Suggestion').fill('Revoke it and read keys from the environment.');
    await insightForm.getByRole('button', { name: 'Create insight' }).click();
    await insightForm.waitFor({ state: 'detached' });
    await nav(a, 'Workflows').click();
    await a.getByTestId('workflow-row').getByRole('link', { name: 'Security Review' }).click();
    await a.waitForURL(new RegExp(`/workflows/${UUID}$`));
    const linkedBox = a.getByTestId('linked-insights');
    await linkedBox.getByText('None linked.').waitFor();
    await linkedBox.getByLabel('Find insights to link').fill('leaked api key');
    const hit = linkedBox.getByTestId('insight-search-hit').filter({ hasText: linkedTitle });
    await hit.getByRole('button', { name: `Link ${linkedTitle}` }).click();
    await hit.getByRole('button', { name: 'Linked' }).waitFor();
    const linkedRows = linkedBox.getByTestId('linked-insight');
    await linkedRows.filter({ hasText: linkedTitle }).waitFor();
    await linkedBox.getByTestId('memory-unused-note').waitFor();
    await linkedBox.screenshot({ path: path.join(artifacts, 'workflow-linked-search.png') });
    const scanPrompt = a.getByTestId('step-card').first().getByLabel('Prompt');
    await scanPrompt.fill(`${await scanPrompt.inputValue()}\nKnown issues:\n{{memory}}`);
    await linkedBox.getByTestId('memory-unused-note').waitFor({ state: 'detached' });
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.getByTestId('toast-success').filter({ hasText: 'Workflow saved' }).waitFor();
    await a.getByText('All changes saved').waitFor();
    await a.reload();
    await linkedRows
      .filter({ hasText: linkedTitle })
      .getByTestId('insight-chips')
      .filter({ hasText: 'high' })
      .waitFor();
    expect(await linkedRows.count()).toBe(1);
    expect(await linkedBox.getByTestId('memory-unused-note').count()).toBe(0);
    expect(await a.getByTestId('step-card').first().getByLabel('Prompt').inputValue()).toContain('{{memory}}');
    await linkedBox.scrollIntoViewIfNeeded();
    await shot(a, 'workflow-builder-linked-insights.png', { isScrolled: false });

    // --- The list shows the workflow with its run ---
    await nav(a, 'Workflows').click();
    const row = a.getByTestId('workflow-row').filter({ hasText: 'Security Review' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Payments');
    await a.getByTestId('run-item').first().waitFor();
    await shot(a, 'workflows-list.png');
    expect(problems).toEqual([]);
    signedIn = a;
  });

  it('streams a run live from a provider, retries from a step and cancels', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await page
        ?.screenshot({ path: path.join(artifacts, 'workflows-live-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    expect(signedIn, 'the first test signed in').toBeDefined();
    const a = signedIn!;
    page = a;
    const fake = env!.fake!;

    // --- OpenAI (the fake server) as a provider ---
    await nav(a, 'LLM').click();
    await a.getByRole('button', { name: 'Add provider' }).click();
    const providerForm = a.getByTestId('add-provider-form');
    await providerForm.getByLabel('API key').fill('sk-e2e-test-key-wxyz');
    await providerForm.getByRole('button', { name: 'Advanced' }).click();
    await providerForm.getByLabel('Base URL (optional)').fill(`${fake.url}/openai/v1`);
    await providerForm.getByRole('button', { name: 'Add provider' }).click();
    await a.getByTestId('key-row').filter({ hasText: 'openai' }).waitFor();

    // --- A blank workflow: two steps, the second without a reference (automatic context) ---
    await nav(a, 'Workflows').click();
    await a.getByRole('link', { name: 'New workflow' }).click();
    await a.waitForURL(/\/workflows\/new$/);
    await a.getByLabel('Workflow name').fill('Live demo');
    await a.getByLabel('Default provider').selectOption('openai');
    const cards = a.getByTestId('step-card');
    await cards.first().getByLabel('Step name').fill('Draft');
    await a.getByRole('button', { name: '+ Add step' }).click();
    await cards.nth(1).getByLabel('Step name').fill('Polish');
    await cards.nth(1).getByLabel('Prompt').fill('Polish the text.');
    await cards.nth(1).getByTestId('auto-context-note').waitFor();
    await a.getByRole('button', { name: 'Create workflow' }).click();
    await a.waitForURL(new RegExp(`/workflows/${UUID}$`));
    await a.getByRole('heading', { name: 'Live demo', level: 1 }).waitFor();

    // --- Run: the first step streams while the page watches ---
    fake.script.openai.push({ kind: 'ok', text: 'First draft, written slowly. '.repeat(12), chunkDelayMs: 20 });
    fake.script.openai.push({ kind: 'ok', text: 'Polished: all good.', chunkDelayMs: 20 });
    await a.getByLabel('Input').fill('Write something.');
    await a.getByRole('button', { name: 'Start run' }).click();
    await a.waitForURL(new RegExp(`/runs/${UUID}$`));
    const pills = a.getByTestId('step-pill');
    const steps = a.getByTestId('run-step');
    await pills.first().and(a.locator('[data-status="running"]')).waitFor();
    await steps.first().locator('.step-output.streaming').filter({ hasText: 'First draft' }).waitFor();
    await shot(a, 'workflow-run-live.png');
    const status = a.getByTestId('run-status');
    await status.filter({ hasText: 'completed' }).waitFor();
    expect(await steps.nth(1).getByTestId('step-output').innerText()).toContain('Polished: all good.');
    await steps.nth(1).getByTestId('auto-context').waitFor();
    expect(await steps.first().textContent()).toContain('openai · gpt-4o-mini');

    // --- Retry from step 2: a new stream after the last seq ---
    fake.script.openai.push({ kind: 'ok', text: 'Polished again, better.', chunkDelayMs: 20 });
    await a.getByLabel('Retry from step').selectOption({ label: '2. Polish' });
    await a.getByRole('button', { name: 'Retry from step 2' }).click();
    await steps.nth(1).getByTestId('step-output').filter({ hasText: 'Polished again, better.' }).waitFor();
    await status.filter({ hasText: 'completed' }).waitFor();
    expect(await steps.first().getByTestId('step-output').innerText()).toContain('First draft');

    // --- Retry from step 1 and cancel it mid-stream ---
    fake.script.openai.push({ kind: 'ok', text: 'A very slow answer. '.repeat(60), chunkDelayMs: 50 });
    await a.getByLabel('Retry from step').selectOption({ label: '1. Draft' });
    await a.getByRole('button', { name: 'Retry from step 1' }).click();
    await steps.first().locator('.step-output.streaming').filter({ hasText: 'A very slow answer.' }).waitFor();
    await a.getByRole('button', { name: 'Cancel run' }).click();
    await status.filter({ hasText: 'cancelled' }).waitFor();
    expect(await pills.first().getAttribute('data-status')).toBe('cancelled');
    expect(await pills.nth(1).getAttribute('data-status')).toBe('pending');
    await shot(a, 'workflow-run-cancelled.png');

    // --- The runs list tells runs apart by the start of their input ---
    await nav(a, 'Workflows').click();
    const item = a.getByTestId('run-item').filter({ hasText: 'Live demo' }).first();
    await item.waitFor();
    expect(await item.getByTestId('run-input-preview').textContent()).toBe('Write something.');
  });
});
