/**
 * Browser end-to-end test of Memory against an in-process server and the fake LLM server:
 * manual insights and a knowledge entry, hybrid search with score parts and highlights,
 * insight triage (approve, pair, wisdom preview), switching the embedder to OpenAI, a
 * failed embedding shown as "missing", a backfill that fixes it, and keyword-only search
 * while the embedder is down.
 * Needs a built web app (`npm run build:web`); uses the system Chromium via playwright-core.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, setUpAdmin, shot, UUID, startE2e, nav, type E2eEnv } from './harness.js';
import type { FakeLlmServer } from '../../src/testing/fake-llm-server.js';

let env: E2eEnv | undefined;
let fake: FakeLlmServer;
let newPage: E2eEnv['newPage'];
const lines: string[] = [];

beforeAll(async () => {
  env = await startE2e('memory', lines, { withFakeLlm: true });
  ({ newPage } = env);
  if (!env.fake) throw new Error('fake LLM server did not start');
  fake = env.fake;
});

afterAll(async () => {
  await env?.close();
});

let page: Page | undefined;

const tab = (p: Page, name: string) =>
  p.getByRole('navigation', { name: 'Memory sections' }).getByRole('link', { name, exact: true });

const PAIN = 'Deployment pipeline is flaky when the registry is slow';
const SOLUTION = 'Mirror the registry inside the cluster';
const LATE = 'Friday releases need a second reviewer';

async function newInsight(
  p: Page,
  fields: { type: string; severity: string; category: string; title: string; detail: string; suggestion: string },
) {
  await p.getByRole('button', { name: 'New insight' }).click();
  const form = p.getByTestId('new-insight-form');
  await form.getByLabel('Project').selectOption({ label: 'Platform' });
  await form.getByLabel('Type').selectOption(fields.type);
  await form.getByLabel('Severity').selectOption(fields.severity);
  await form.getByLabel('Category').fill(fields.category);
  await form.getByLabel('Title').fill(fields.title);
  await form.getByLabel('Detail').fill(fields.detail);
  await form.getByLabel('Suggestion').fill(fields.suggestion);
  await form.getByRole('button', { name: 'Create insight' }).click();
  await form.waitFor({ state: 'detached' });
  return p.getByTestId('insight-card').filter({ has: p.getByRole('heading', { name: fields.title }) });
}

describe('memory pages', () => {
  it('searches entries and insights, triages and pairs insights, and backfills after switching the embedder', async ({
    onTestFailed,
  }) => {
    onTestFailed(async () => {
      await page
        ?.screenshot({ path: path.join(artifacts, 'memory-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    const a = await newPage();
    page = a;

    // --- Admin: first-run setup, a workspace and a project ---
    await setUpAdmin(a, lines, { workspace: 'Acme', project: 'Platform' });

    // --- Two insights by hand: a pain point and its solution ---
    await nav(a, 'Memory').click();
    await a.waitForURL(/\/memory$/);
    await tab(a, 'Insights').click();
    await a.waitForURL(/\/memory\/insights$/);
    const pain = await newInsight(a, {
      type: 'pain_point',
      severity: 'high',
      category: 'ci',
      title: PAIN,
      detail:
        'Image pulls time out during rollouts, so the on-call engineer redeploys by hand two or three times a week.',
      suggestion: 'Cache images close to the nodes.',
    });
    await pain.waitFor();
    const solution = await newInsight(a, {
      type: 'solution',
      severity: 'medium',
      category: 'ci',
      title: SOLUTION,
      detail: 'A pull-through cache serves every image from inside the network.',
      suggestion: 'Run the cache as a DaemonSet and point containerd at it.',
    });
    await solution.waitFor();
    expect(await pain.getByTestId('embedding-badge').textContent()).toBe('vector ✓');

    // --- A knowledge entry with tags ---
    await tab(a, 'Knowledge entries').click();
    await a.getByRole('link', { name: 'New entry' }).click();
    await a.waitForURL(/\/memory\/entries\/new$/);
    await a.getByLabel('Title').fill('Release checklist');
    await a
      .getByLabel('Content')
      .fill(
        '# Before a release\n\n1. Freeze the main branch.\n2. Run the smoke tests against staging.\n3. Announce the window in #ops.',
      );
    await a.getByLabel('Tags').fill('Release, ops');
    await a.getByLabel('Project').selectOption({ label: 'Platform' });
    await a.getByRole('button', { name: 'Create entry' }).click();
    await a.waitForURL(new RegExp(`/memory/entries/${UUID}$`));
    await a.getByTestId('entry-embedding').getByText('vector ✓').waitFor();
    await a.getByTestId('entry-preview').getByRole('heading', { name: 'Before a release' }).waitFor();
    await a.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Knowledge entries' }).click();
    const row = a.getByTestId('entry-row').filter({ hasText: 'Release checklist' });
    expect(await row.getByTestId('tag-chips').textContent()).toBe('#release#ops');
    expect(await row.getByTestId('embedding-badge').textContent()).toBe('vector ✓');
    await shot(a, 'memory-entries.png');

    // --- Search: meaning + keywords, with the score parts ---
    await tab(a, 'Search').click();
    await a.waitForURL(/\/memory$/);
    await a.getByLabel('Search memory').fill('redeploys');
    const hits = a.getByTestId('search-hit');
    await hits.first().filter({ hasText: PAIN }).waitFor();
    expect(await hits.first().getAttribute('data-kind')).toBe('insight');
    expect(await hits.first().getByTestId('score-parts').textContent()).toMatch(
      /^vector 0\.\d\d · text 0\.\d\d · score 0\.\d\d$/,
    );
    expect(await hits.first().getByTestId('hit-snippet').locator('mark').first().textContent()).toBe('redeploys');
    expect(await a.getByTestId('embedding-model').textContent()).toBe('offline-hash-v2');
    expect(await a.getByTestId('vector-path').textContent()).toContain('nearest by exact comparison');
    await a.getByRole('button', { name: 'RRF' }).click();
    await hits
      .first()
      .getByTestId('score-parts')
      .filter({ hasText: /^vector #\d+ · text #1 · score 0\.0\d{3}$/ })
      .waitFor();
    await a.getByRole('button', { name: 'Weighted' }).click();

    // --- An exact keyword, highlighted ---
    await a.getByLabel('Search memory').fill('checklist');
    await a.getByLabel('Search memory').press('Enter');
    const entryHit = hits.first().filter({ hasText: 'Release checklist' });
    await entryHit.waitFor();
    expect(await entryHit.getAttribute('data-kind')).toBe('entry');
    expect(await entryHit.locator('.hit-title mark').textContent()).toBe('checklist');
    expect(await entryHit.getByTestId('tag-chips').textContent()).toBe('#release#ops');
    // The snippet is the entry's words, not its Markdown ("# Before a release\n\n1. Freeze …").
    expect(await entryHit.getByTestId('hit-snippet').textContent()).toMatch(
      /^Before a release Freeze the main branch\. Run/,
    );
    // The page says what it searches, and where notes are searched instead.
    expect(await a.getByTestId('search-scope').textContent()).toContain(
      'Searches knowledge entries and insights. Project notes are not part of memory',
    );
    await shot(a, 'memory-search.png');
    // Vectors always have nearest neighbours: only filters can empty the list.
    await a.getByLabel('Severity').selectOption('blocker');
    await a.getByText('Nothing matches “checklist”.').waitFor();
    await a.getByLabel('Severity').selectOption('');
    await a.getByLabel('Search memory').fill('redeploys');
    await hits.first().filter({ hasText: PAIN }).locator('.hit-title').click();
    await a.waitForURL(new RegExp(`/memory/insights/${UUID}$`));
    await a.getByRole('heading', { level: 1, name: PAIN }).waitFor();
    await a.getByTestId('wisdom-preview').waitFor();
    await shot(a, 'memory-insight.png');

    // --- Triage: approve the pain point, pair it with the solution, see the wisdom ---
    await a.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Insights' }).click();
    await a.getByLabel('Project', { exact: true }).selectOption({ label: 'Platform' });
    const wisdom = a.getByTestId('wisdom-preview');
    await wisdom.getByText('0 of 0 approved insights fit').waitFor();
    await pain.getByRole('button', { name: 'Approve' }).click();
    await pain.getByTestId('insight-chips').getByText('approved', { exact: true }).waitFor();
    await pain.getByRole('button', { name: 'Pair with a solution…' }).click();
    await pain.getByLabel('Solution in this project').selectOption({ label: `${SOLUTION} (proposed)` });
    await pain.getByRole('button', { name: 'Pair', exact: true }).click();
    await pain.getByTestId('paired-with').filter({ hasText: SOLUTION }).waitFor();
    await solution.getByTestId('paired-with').filter({ hasText: PAIN }).waitFor();
    expect(await pain.getByTestId('pairing').textContent()).toContain(`Solved by ${SOLUTION}`);
    await wisdom.getByText('1 of 1 approved insight fit').waitFor();
    expect(await wisdom.getByTestId('wisdom-markdown').textContent()).toContain(`[high · pain point] ${PAIN}`);
    await shot(a, 'memory-insights.png');

    // --- Settings: embed with OpenAI (the fake server) ---
    await nav(a, 'LLM').click();
    await a.getByRole('button', { name: 'Add provider' }).click();
    const form = a.getByTestId('add-provider-form');
    await form.getByLabel('API key').fill('sk-e2e-test-key-wxyz');
    await form.getByRole('button', { name: 'Advanced' }).click();
    await form.getByLabel('Base URL (optional)').fill(`${fake.url}/openai/v1`);
    await form.getByRole('button', { name: 'Add provider' }).click();
    await a.getByTestId('key-row').filter({ hasText: 'openai' }).waitFor();
    await nav(a, 'Memory').click();
    await tab(a, 'Settings').click();
    await a.waitForURL(/\/memory\/settings$/);
    const status = a.getByTestId('embedding-status');
    await status.getByText('offline-hash-v2').waitFor();
    await a.getByLabel('Embedding provider').selectOption('openai');
    await a.getByText('Changing the embedder makes every stored vector stale').waitFor();
    await a.getByRole('button', { name: 'Save settings' }).click();
    await status.getByText('text-embedding-3-small').waitFor();
    expect(await status.getByTestId('status-summary').textContent()).toBe('3 rows need a vector.');

    // --- The embedder fails three times: the new insight is saved, missing its vector ---
    for (let i = 0; i < 3; i++) fake.script.openai.push({ kind: 'status', status: 500 });
    await tab(a, 'Insights').click();
    const late = await newInsight(a, {
      type: 'decision',
      severity: 'low',
      category: 'process',
      title: LATE,
      detail: 'Agreed in the retro.',
      suggestion: '',
    });
    const missing = late.getByTestId('embedding-badge');
    await missing.filter({ hasText: 'missing' }).waitFor();
    expect(await missing.getAttribute('title')).toContain('Embedding with openai failed');
    expect(await pain.getByTestId('embedding-badge').textContent()).toBe('stale');

    // --- Backfill (the fake is healthy again) ---
    await tab(a, 'Settings').click();
    await status
      .getByTestId('status-insights')
      .filter({ hasText: /^Insights3121$/ })
      .waitFor();
    await a.getByRole('button', { name: 'Backfill now' }).click();
    await a.getByTestId('backfill-result').filter({ hasText: 'Embedded 4 of 4 rows.' }).waitFor();
    await status.getByTestId('status-summary').filter({ hasText: '✓ Every row has a current vector.' }).waitFor();
    expect(await status.getByTestId('status-insights').textContent()).toBe('Insights3000');
    expect(await status.getByTestId('status-entries').textContent()).toBe('Entries1000');
    await shot(a, 'memory-settings.png');

    // --- While the embedder is down, search falls back to keywords and says so ---
    for (let i = 0; i < 3; i++) fake.script.openai.push({ kind: 'status', status: 500 });
    await tab(a, 'Search').click();
    await a.getByLabel('Search memory').fill('registry');
    await a.getByTestId('keyword-only').waitFor();
    await hits.first().waitFor();
    expect(await hits.first().getByTestId('score-parts').textContent()).toMatch(/^vector 0\.00 · text 0\.\d\d/);
    await shot(a, 'memory-search-keyword-only.png');
  });
});
