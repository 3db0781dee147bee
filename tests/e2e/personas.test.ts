/**
 * Browser end-to-end test of personas and the LLM pages against an in-process server and
 * the fake LLM server: built-in personas, live specialization suggestions, inference on
 * save, "Try it" (offline and OpenAI), provider keys, and the usage chart.
 * Needs a built web app (`npm run build:web`); uses the system Chromium via playwright-core.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, dismissToasts, setUpAdmin, shot, UUID, startE2e, nav, type E2eEnv } from './harness.js';
import type { FakeLlmServer } from '../../src/testing/fake-llm-server.js';

let env: E2eEnv | undefined;
let fake: FakeLlmServer;
let newPage: E2eEnv['newPage'];
const lines: string[] = [];

beforeAll(async () => {
  env = await startE2e('personas', lines, { withFakeLlm: true });
  ({ newPage } = env);
  if (!env.fake) throw new Error('fake LLM server did not start');
  fake = env.fake;
});

afterAll(async () => {
  await env?.close();
});

let page: Page | undefined;

describe('personas and LLM pages', () => {
  it('creates a persona with inferred specializations, tries it offline and via OpenAI, and reports usage', async ({
    onTestFailed,
  }) => {
    onTestFailed(async () => {
      await page?.screenshot({ path: path.join(artifacts, 'personas-failure.png') }).catch(() => undefined);
    });
    const a = await newPage();
    page = a;

    // --- Admin: first-run setup and a workspace ---
    await setUpAdmin(a, lines, { workspace: 'Acme' });

    // --- Gallery: the built-in personas ---
    await nav(a, 'Personas').click();
    await a.waitForURL(/\/personas$/);
    const cards = a.getByTestId('persona-card');
    await cards.filter({ hasText: 'Security Auditor' }).waitFor();
    expect(await cards.count()).toBeGreaterThanOrEqual(8);
    expect(await cards.filter({ hasText: 'Security Auditor' }).getByText('Built-in').count()).toBe(1);
    await shot(a, 'personas-gallery.png');

    // --- Editor: live suggestions while typing, inference on save ---
    await a.getByRole('link', { name: 'New persona' }).click();
    await a.waitForURL(/\/personas\/new$/);
    await a.getByLabel('Name', { exact: true }).fill('Platform Engineer');
    await a
      .getByLabel('Description', { exact: true })
      .fill('Keeps Kubernetes, Terraform and CI/CD pipelines healthy, fast and boring.');
    await a.getByLabel('System prompt').fill('You are a platform engineer. Answer with concrete, numbered steps.');
    await a.getByLabel('Traits').fill('pragmatic, calm');
    const suggestion = a.getByTestId('spec-suggestion').filter({ hasText: 'DevOps' });
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toContain('kubernetes');
    expect(await a.getByRole('button', { name: 'DevOps', pressed: true }).count()).toBe(0);
    await shot(a, 'persona-editor.png');
    await a.getByRole('button', { name: 'Create persona' }).click();
    await a.waitForURL(new RegExp(`/personas/${UUID}$`));
    await a.getByRole('button', { name: 'DevOps', pressed: true }).waitFor();

    // --- Try it with the offline provider: +10 XP ---
    const stats = a.getByTestId('persona-stats');
    expect(await stats.getByTestId('xp-bar').textContent()).toContain('0 / 100 XP');
    await a.getByLabel('Message').fill('How do we roll back a failed Kubernetes deploy?');
    await a.getByLabel('Provider').selectOption('offline');
    await a.getByRole('button', { name: 'Send' }).click();
    await a.getByTestId('offline-badge').waitFor();
    expect(await a.getByTestId('try-cost').textContent()).toBe('free');
    await stats.getByTestId('xp-bar').filter({ hasText: '10 / 100 XP' }).waitFor();
    expect(await stats.getByTestId('level-badge').textContent()).toBe('Level 1');

    // --- LLM settings: add OpenAI (pointing at the fake server) and test it ---
    await nav(a, 'LLM').click();
    await a.waitForURL(/\/llm$/);
    await a.getByRole('button', { name: 'Add provider' }).click();
    const form = a.getByTestId('add-provider-form');
    expect(await form.getByLabel('Name', { exact: true }).inputValue()).toBe('openai');
    await form.getByLabel('API key').fill('sk-e2e-test-key-wxyz');
    await form.getByRole('button', { name: 'Advanced' }).click();
    await form.getByLabel('Base URL (optional)').fill(`${fake.url}/openai/v1`);
    await form.getByRole('button', { name: 'Add provider' }).click();
    const keyRow = a.getByTestId('key-row').filter({ hasText: 'openai' });
    await keyRow.waitFor();
    expect(await keyRow.textContent()).toContain('…wxyz');
    fake.script.openai.push({ kind: 'ok', text: 'OK' });
    await keyRow.getByRole('button', { name: 'Test' }).click();
    const testResult = a.getByTestId('key-test-result');
    await testResult.waitFor();
    expect(await testResult.textContent()).toMatch(/^✓ Works · \d+ ms · gpt-4o-mini replied “OK”/);
    await a.getByTestId('chain-item').filter({ hasText: 'openai' }).waitFor();
    await shot(a, 'llm-settings.png');

    // --- Try the persona through OpenAI: answer, line breaks, cost ---
    fake.script.openai.push({
      kind: 'ok',
      text: 'Roll back in two steps:\n1. kubectl rollout undo deploy/web\n2. Watch the pods.',
      tokensIn: 1200,
      tokensOut: 800,
    });
    await nav(a, 'Personas').click();
    await cards
      .filter({ hasText: 'Platform Engineer' })
      .getByTestId('spec-chip')
      .filter({ hasText: 'DevOps' })
      .waitFor();
    await cards.filter({ hasText: 'Platform Engineer' }).getByRole('link', { name: 'Open' }).click();
    await a.getByLabel('Message').fill('How do we roll back?');
    await a.getByLabel('Provider').selectOption('openai');
    await a.getByRole('button', { name: 'Send' }).click();
    const answer = a.getByTestId('try-answer');
    await answer.filter({ hasText: 'kubectl rollout undo' }).waitFor();
    expect(await answer.innerText()).toContain('steps:\n1. kubectl');
    expect(await a.getByTestId('try-model').textContent()).toBe('openai · gpt-4o-mini');
    expect(await a.getByTestId('try-cost').textContent()).toBe('$0.00066');
    expect(await a.getByTestId('offline-badge').count()).toBe(0);
    await stats.getByTestId('xp-bar').filter({ hasText: '20 / 100 XP' }).waitFor();
    await shot(a, 'persona-try.png');

    // --- Usage: stacked bar chart and the recent calls ---
    await nav(a, 'Usage').click();
    await a.waitForURL(/\/usage$/);
    const chart = a.getByTestId('usage-chart');
    await chart.locator('svg rect[data-testid="chart-bar"]').first().waitFor();
    const rows = a.getByTestId('recent-call');
    await rows.filter({ hasText: 'persona.try' }).first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    expect(await rows.filter({ hasText: 'llm.key_test' }).count()).toBe(1);
    expect(await a.getByTestId('total-calls').textContent()).toContain('3');
    await a.getByRole('button', { name: 'Tokens' }).click();
    expect(await chart.locator('rect[data-testid="chart-bar"]').count()).toBeGreaterThanOrEqual(2);
    await dismissToasts(a);
    await chart.locator('rect[data-testid="chart-bar"]').last().hover();
    await chart.locator('.chart-tooltip').waitFor();
    await shot(a, 'usage.png', { isScrolled: false });

    // --- Model catalog: override a price inline, then reset it ---
    await nav(a, 'LLM').click();
    await a.getByRole('link', { name: 'Model catalog' }).click();
    await a.waitForURL(/\/llm\/models$/);
    const o3 = a.getByTestId('catalog-row').filter({ hasText: 'o3-mini' });
    expect(await o3.textContent()).toContain('built-in');
    await o3.getByRole('button', { name: 'Edit' }).click();
    await a.getByLabel('Input price for o3-mini').fill('1.5');
    await o3.getByRole('button', { name: 'Save' }).click();
    await o3.filter({ hasText: 'override' }).filter({ hasText: '$1.50' }).waitFor();
    await shot(a, 'llm-models.png');
    await o3.getByRole('button', { name: 'Reset' }).click();
    await o3.getByRole('button', { name: 'Reset' }).click();
    await o3.filter({ hasText: 'built-in' }).filter({ hasText: '$1.10' }).waitFor();
  });
});
