/**
 * Browser end-to-end test of discussions with the offline provider (no keys): a consensus
 * discussion between two personas created from the form (with a field error first), its
 * answers followed live over SSE (round markers, the synthesis card), the same messages
 * after a reload, a follow-up message and "Continue", the usage footer and the list.
 * Needs a built web app (`npm run build:web`); uses the system Chromium via playwright-core.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, setUpAdmin, shot, startE2e, UUID, nav, waitUntil, type E2eEnv } from './harness.js';

let env: E2eEnv | undefined;
const lines: string[] = [];

beforeAll(async () => {
  env = await startE2e('discussions', lines);
});

afterAll(async () => {
  await env?.close();
});

let page: Page | undefined;
/** The first test's signed-in page, reused by the second. */
let signedIn: Page | undefined;

// Strings: this file is type-checked without the DOM library.
/** Records every status a message element showed and the message count over time, to prove answers streamed in live. */
const RECORD_STREAM = `(() => {
  window.__seenStatuses = [];
  window.__counts = [];
  new MutationObserver(() => {
    const els = [...document.querySelectorAll('[data-testid="message"]')];
    if (window.__counts.at(-1) !== els.length) window.__counts.push(els.length);
    for (const el of els) if (!window.__seenStatuses.includes(el.dataset.status)) window.__seenStatuses.push(el.dataset.status);
  }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
})()`;
const SEEN_STATUSES = 'window.__seenStatuses';
const MESSAGE_COUNTS = 'window.__counts';
/** `authorKind:lane:round` of every message, in order. */
const MESSAGE_KINDS = `[...document.querySelectorAll('[data-testid="message"]')].map((e) => [e.dataset.authorKind, e.dataset.lane, e.dataset.round].join(':'))`;

/** Whether there are `n` messages, all complete, and nothing is being answered. */
const allComplete = (n: number) =>
  `(() => { const m = [...document.querySelectorAll('[data-testid="message"]')]; return m.length === ${n} && m.every((e) => e.getAttribute('data-status') === 'complete') && document.querySelector('[data-testid="discussion"]')?.getAttribute('data-generating') === 'false'; })()`;

describe('discussions', () => {
  it('runs a consensus discussion live, replays it after a reload, and takes a follow-up', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await page
        ?.screenshot({ path: path.join(artifacts, 'discussions-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    const a = await env!.newPage();
    page = a;
    await setUpAdmin(a, lines, { workspace: 'Acme' });

    // --- The list starts empty; the form explains the modes ---
    await nav(a, 'Discussions').click();
    await a.waitForURL(/\/discussions$/);
    await a.getByTestId('empty-state').waitFor();
    await a.getByRole('button', { name: 'New discussion' }).click();
    const form = a.getByTestId('new-discussion-form');
    // Submitted without a title: the message appears once, under the field (no banner repeating
    // it), and goes away as soon as a title is typed.
    await form.getByRole('button', { name: 'Start discussion' }).click();
    const titleError = form.getByText('Give the discussion a title');
    await titleError.waitFor();
    expect(await titleError.count()).toBe(1);
    expect(await form.getByTestId('error-alert').count()).toBe(0);
    await form.getByLabel('Title').fill('Queue');
    await titleError.waitFor({ state: 'detached' });
    await form.getByLabel('Title').fill('');
    await form.getByRole('radio', { name: /Consensus/ }).check();
    await form.getByText('Participants take turns for several rounds').waitFor();
    const rows = form.getByTestId('participant-row');
    expect(await rows.count()).toBe(2);
    const first = a.getByRole('group', { name: 'Participant 1' });
    const second = a.getByRole('group', { name: 'Participant 2' });
    await first.getByLabel('Persona').locator('option').nth(2).waitFor({ state: 'attached' });
    await first.getByLabel('Persona').selectOption({ index: 1 });
    await second.getByLabel('Persona').selectOption({ index: 2 });
    const names = [
      await first.getByLabel('Persona').locator('option:checked').innerText(),
      await second.getByLabel('Persona').locator('option:checked').innerText(),
    ];
    expect(names[0]).not.toBe(names[1]);
    await first.getByLabel('Provider').selectOption('offline');
    expect(await second.getByLabel('Provider').inputValue()).toBe('');
    expect(await form.getByLabel('Rounds', { exact: true }).inputValue()).toBe('2');
    await form
      .getByLabel('Opening message (optional)')
      .fill('Should we split the monolith into services this quarter, or first modularise it in place?');

    // --- A server field error lands next to its field ---
    await form.getByRole('button', { name: 'Start discussion' }).click();
    await form
      .locator('.field-invalid')
      .filter({ has: a.locator('#discussion-title') })
      .getByText('Give the discussion a title')
      .waitFor();
    await shot(a, 'discussion-new.png');
    await form.getByLabel('Title', { exact: true }).fill('Monolith or services?');

    // --- Start it and watch the answers stream in ---
    await form.getByRole('button', { name: 'Start discussion' }).click();
    await a.waitForURL(new RegExp(`/discussions/${UUID}$`));
    const chatUrl = a.url();
    await a.getByRole('heading', { name: /Monolith or services\?/, level: 1 }).waitFor();
    expect(await a.getByTestId('discussion-mode').innerText()).toBe('Consensus');
    expect(await a.getByTestId('participant').allInnerTexts()).toEqual([
      expect.stringContaining(names[0]!),
      expect.stringContaining(names[1]!),
    ]);
    const messages = a.getByTestId('message');
    // The user's message, two rounds of two answers, and the synthesis.
    await waitUntil(a, allComplete(6));
    expect(await a.getByTestId('connection').innerText()).toBe('Live');
    expect(await a.getByTestId('round-marker').allInnerTexts()).toEqual(['ROUND 1 OF 2', 'ROUND 2 OF 2']);
    const kinds = await a.evaluate<string[]>(MESSAGE_KINDS);
    expect(kinds).toEqual([
      'user:user:0',
      'participant:p1:1',
      'participant:p2:1',
      'participant:p1:2',
      'participant:p2:2',
      'synthesis:synthesis:2',
    ]);
    const synthesis = a.getByTestId('synthesis-card');
    expect(await synthesis.count()).toBe(1);
    expect(await synthesis.getByTestId('message-text').innerText()).not.toBe('');
    expect(await messages.nth(1).getByTestId('message-author').innerText()).toBe(names[0]);
    expect(await messages.nth(1).innerText()).toContain('offline · offline-extractive-v1');
    expect(await a.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await a.getByRole('button', { name: 'Continue' }).waitFor();
    await shot(a, 'discussion-chat.png');

    // --- Reload: the events replay to the same messages ---
    const texts = await messages.getByTestId('message-text').allInnerTexts();
    expect(texts.every((t) => t.trim().length > 0)).toBe(true);
    await a.reload();
    await waitUntil(a, allComplete(6));
    expect(await messages.getByTestId('message-text').allInnerTexts()).toEqual(texts);
    expect(await a.getByTestId('round-marker').count()).toBe(2);
    expect(a.url()).toBe(chatUrl);

    // --- A follow-up (Ctrl+Enter) gets a new consensus turn ---
    await a.evaluate(RECORD_STREAM);
    await a.getByLabel('Message', { exact: true }).fill('What would the first service to extract be?');
    await a.getByLabel('Message', { exact: true }).press('Control+Enter');
    await waitUntil(a, allComplete(12));
    // With the stream open, the answers arrived one by one, each shown as it was being written.
    expect(await a.evaluate<string[]>(SEEN_STATUSES)).toContain('streaming');
    expect((await a.evaluate<number[]>(MESSAGE_COUNTS)).length).toBeGreaterThan(3);
    expect(await a.getByLabel('Message', { exact: true }).inputValue()).toBe('');
    expect(await a.getByTestId('turn').count()).toBe(2);
    expect(await a.getByTestId('synthesis-card').count()).toBe(2);
    expect(await a.getByTestId('round-marker').count()).toBe(4);
    const userMessages = messages.and(a.locator('[data-author-kind="user"]'));
    expect(await userMessages.nth(1).getByTestId('message-text').innerText()).toBe(
      'What would the first service to extract be?',
    );

    // --- Continue: another turn without a new message ---
    await a.getByRole('button', { name: 'Continue' }).click();
    await a.getByText('Continued without a new message').waitFor();
    await waitUntil(a, allComplete(17));
    expect(await a.getByTestId('turn').count()).toBe(3);

    // --- Usage per participant, the synthesis, and the total ---
    const footer = a.getByTestId('participant-totals');
    const totals = footer.getByTestId('participant-total');
    expect(await totals.count()).toBe(3);
    expect(await totals.nth(0).innerText()).toContain(names[0]);
    expect(await totals.nth(1).innerText()).toContain(names[1]);
    expect(await totals.nth(2).innerText()).toContain('Synthesis');
    // 3 turns × 2 rounds: six answers each.
    expect(await totals.nth(0).locator('td').first().innerText()).toBe('6');
    const total = await footer.getByTestId('discussion-total').innerText();
    expect(total).toMatch(/Total\s+15\s/);
    const [tokensIn, tokensOut] = total
      .split('\t')
      .slice(2, 4)
      .map((n) => Number(n.replace(/\D/g, '')));
    await a.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    await a.screenshot({ path: path.join(artifacts, 'discussion-chat-bottom.png') });

    // --- The list shows it ---
    await nav(a, 'Discussions').click();
    const row = a.getByTestId('discussion-row').filter({ hasText: 'Monolith or services?' });
    await row.waitFor();
    expect(await row.innerText()).toContain('Consensus');
    expect(await row.innerText()).toContain(names[1]);
    // The list is refetched on leaving the chat: it has the last turn's tokens too.
    await row
      .filter({
        hasText: new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(
          tokensIn! + tokensOut!,
        ),
      })
      .waitFor({ timeout: 5_000 });
    await shot(a, 'discussions-list.png');
    signedIn = a;
  });

  it('shows a parallel discussion as lanes side by side', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await page
        ?.screenshot({ path: path.join(artifacts, 'discussions-parallel-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    expect(signedIn, 'the first test signed in').toBeDefined();
    const a = signedIn!;
    page = a;
    await a.getByRole('button', { name: 'New discussion' }).click();
    const form = a.getByTestId('new-discussion-form');
    expect(await form.getByRole('radio', { name: /Parallel/ }).isChecked()).toBe(true);
    await form.getByLabel('Title', { exact: true }).fill('Cache invalidation');
    await form.getByRole('button', { name: '+ Add participant' }).click();
    await a.getByRole('group', { name: 'Participant 1' }).getByLabel('Persona').selectOption({ index: 1 });
    await a.getByRole('group', { name: 'Participant 3' }).getByLabel('Persona').selectOption({ index: 3 });
    await a.getByRole('group', { name: 'Participant 3' }).getByLabel('Provider').selectOption('offline');
    await form
      .getByLabel('Opening message (optional)')
      .fill('How do we keep the product cache fresh without hammering the database?');
    await form.getByRole('button', { name: 'Start discussion' }).click();
    await a.waitForURL(new RegExp(`/discussions/${UUID}$`));
    await waitUntil(a, allComplete(4));
    const lanes = a.getByTestId('lane');
    expect(await lanes.count()).toBe(3);
    expect(
      await a.evaluate<string[]>(`[...document.querySelectorAll('[data-testid="lane"]')].map((e) => e.dataset.lane)`),
    ).toEqual(['p1', 'p2', 'p3']);
    for (const lane of await lanes.all())
      expect(await lane.getByTestId('message').getAttribute('data-status')).toBe('complete');
    // Side by side: the three lanes share one row.
    const tops = await Promise.all((await lanes.all()).map(async (l) => (await l.boundingBox())?.y));
    expect(new Set(tops).size).toBe(1);
    expect(await a.getByTestId('round-marker').count()).toBe(0);
    expect(await a.getByTestId('synthesis-card').count()).toBe(0);
    expect(await a.getByTestId('participant-total').count()).toBe(3);
    await a.screenshot({ path: path.join(artifacts, 'discussion-parallel.png') });
  });
});
