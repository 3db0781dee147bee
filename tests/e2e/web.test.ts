/**
 * Browser end-to-end test of the web app against an in-process server: first-run setup,
 * workspaces, projects, Markdown notes, tenant isolation and invitations.
 * Needs a built web app (`npm run build:web`); uses the system Chromium via playwright-core.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specializationLexicon } from '../../src/features/personas/specialization-lexicon.js';
import { artifacts, createWorkspace, root, setUpAdmin, signUp, UUID, startE2e, type E2eEnv } from './harness.js';

/** Every file under `dir`, concatenated. */
const readTree = (dir: string): string =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .map((e) => (e.isDirectory() ? readTree(path.join(dir, e.name)) : fs.readFileSync(path.join(dir, e.name), 'utf8')))
    .join('\n');

let env: E2eEnv | undefined;
let browser: Browser;
let baseUrl: string;
const lines: string[] = [];

beforeAll(async () => {
  env = await startE2e('web', lines);
  ({ browser, baseUrl } = env);
});

afterAll(async () => {
  await env?.close();
});

const pages: Page[] = [];

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  pages.push(page);
  return page;
}

describe('the built web app', () => {
  it('carries no server code: the specialization lexicon stays on the server', () => {
    const assets = path.join(root, 'web/dist/assets');
    const bundle = fs
      .readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => fs.readFileSync(path.join(assets, f), 'utf8'))
      .join('\n')
      .toLowerCase();
    // Lexicon terms no web source mentions: were the lexicon bundled, every one would be there.
    const source = readTree(path.join(root, 'web/src')).toLowerCase();
    const terms = Object.values(specializationLexicon)
      .flatMap((byWeight) => Object.values(byWeight).flat())
      .filter((t) => t.length >= 6 && !source.includes(t));
    expect(terms.length).toBeGreaterThan(200);
    // A few common words (javascript, animations, …) occur in the libraries' own code.
    const found = terms.filter((t) => bundle.includes(t));
    expect(found.length / terms.length).toBeLessThan(0.1);
  });
});

describe('web app', () => {
  it('runs setup, notes, isolation and invitations end to end', async ({ onTestFailed }) => {
    // On failure, keep what each browser showed for review.
    onTestFailed(async () => {
      await Promise.all(
        pages.map((p, i) => p.screenshot({ path: path.join(artifacts, `failure-${i}.png`) }).catch(() => undefined)),
      );
    });
    // --- User A: first-run setup, workspace, project, note ---
    const a = await newPage();
    const acmeId = await setUpAdmin(a, lines, { workspace: 'Acme' });

    await a.getByTestId('empty-state').waitFor();
    await a.getByRole('button', { name: 'New project' }).click();
    await a.getByLabel('Project name').fill('Apollo');
    await a.getByLabel('Description (optional)').fill('Moon landing programme');
    await a.getByRole('button', { name: 'Create project' }).click();
    await a.getByTestId('project-card').filter({ hasText: 'Apollo' }).waitFor();
    await a.getByRole('link', { name: 'Apollo' }).click();
    await a.waitForURL(new RegExp(`/w/${acmeId}/projects/${UUID}$`));
    expect(await a.getByTestId('project-title').textContent()).toBe('Apollo');

    await a.getByRole('link', { name: 'New note' }).click();
    await a.waitForURL(/\/notes\/new$/);
    await a.getByLabel('Title').fill('Launch checklist');
    const body = '# Heading\n\n- item one\n- fuel the rocket\n\nCountdown starts at **T-10**.';
    await a.getByLabel('Markdown').fill(body);
    const preview = a.getByTestId('note-preview');
    expect(await preview.locator('h1').textContent()).toBe('Heading');
    expect(await preview.locator('li').first().textContent()).toBe('item one');
    await a.getByRole('button', { name: 'Save', exact: true }).click();
    await a.waitForURL(new RegExp(`/notes/${UUID}$`));
    const noteUrl = a.url();
    await a.getByTestId('save-state').filter({ hasText: 'Saved' }).waitFor();

    await a.reload();
    await a.getByLabel('Title').waitFor();
    expect(await a.getByLabel('Title').inputValue()).toBe('Launch checklist');
    expect(await a.getByLabel('Markdown').inputValue()).toBe(body);
    expect(await a.getByTestId('note-preview').locator('h1').textContent()).toBe('Heading');
    await a.screenshot({ path: path.join(artifacts, 'note-editor.png') });

    await a.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Apollo' }).click();
    await a.getByTestId('note-item').filter({ hasText: 'Launch checklist' }).waitFor();
    await a.getByLabel('Search notes').fill('zebra');
    await a.getByText('No notes match “zebra”.').waitFor();
    await a.getByLabel('Search notes').fill('rocket');
    await a.getByTestId('note-item').filter({ hasText: 'Launch checklist' }).waitFor();
    expect(await a.getByTestId('note-item').count()).toBe(1);

    await a.getByRole('link', { name: 'Projects', exact: true }).first().click();
    const card = a.getByTestId('project-card').filter({ hasText: 'Apollo' });
    await card.waitFor();
    expect(await card.textContent()).toContain('1 note ·');
    await a.screenshot({ path: path.join(artifacts, 'projects.png') });

    // --- A invites someone to Acme ---
    await a.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name: 'Members' }).click();
    await a.getByTestId('members-table').getByText('alice@example.com').waitFor();
    await a.getByRole('button', { name: 'Create invitation link' }).click();
    const linkInput = a.getByTestId('invite-link-value');
    await linkInput.waitFor();
    const inviteLink = await linkInput.inputValue();
    expect(inviteLink).toMatch(new RegExp(`^${baseUrl}/invite/`));

    // --- User B: open sign-up, own workspace, cannot see Acme ---
    const b = await newPage();
    await b.goto('/sign-up');
    await b.getByRole('heading', { name: 'Create your account' }).waitFor();
    await signUp(b, { name: 'Bob Other', email: 'bob@example.com' }, 'Create account');
    await createWorkspace(b, 'Globex');
    await b.getByText('No projects yet').waitFor();
    expect(await b.getByText('Apollo').count()).toBe(0);
    await b.goto(noteUrl);
    await b.getByTestId('not-found').waitFor();
    expect(await b.getByTestId('not-found').textContent()).toContain("you're not a member");
    expect(await b.getByText('Launch checklist').count()).toBe(0);
    expect(await b.getByLabel('Title').count()).toBe(0);

    // --- User C: signs up through A's invitation and lands in Acme ---
    const c = await newPage();
    await c.goto(inviteLink);
    expect(await c.getByTestId('invite-workspace').textContent()).toBe('Acme');
    await signUp(c, { name: 'Carol Invited', email: 'carol@example.com' }, 'Create account and join');
    await c.waitForURL(new RegExp(`/w/${acmeId}$`));
    expect(await c.getByTestId('current-workspace').textContent()).toBe('Acme');
    await c.getByTestId('project-card').filter({ hasText: 'Apollo' }).waitFor();
  });

  it('a signed-out deep link goes to sign-in and back to the page after', async () => {
    // Alice exists from the first test; a fresh browser has no session.
    const p = await newPage();
    const deepLink = '/w/00000000-0000-4000-8000-000000000000/workflows';
    await p.goto(deepLink);
    await p.waitForURL(/\/sign-in\?redirect=/);
    expect(new URL(p.url()).searchParams.get('redirect')).toBe(deepLink);
    await p.getByLabel('Email').fill('alice@example.com');
    await p.getByLabel('Password').fill('correct horse battery');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL((u) => u.pathname === deepLink);
    // Not her workspace (a made-up id): a readable dead end, not a frozen tab.
    await p.getByTestId('not-found').waitFor();
    // The page stays responsive.
    expect(await p.evaluate('1 + 1')).toBe(2);
  });

  it('a wrong password is in the audit log as auth.sign_in_failed, and a note over the limit is refused before it is sent', async () => {
    const p = await newPage();
    await p.goto('/sign-in');
    await p.getByLabel('Email').fill('alice@example.com');
    await p.getByLabel('Password').fill('not her password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByText('Email or password is incorrect').waitFor();
    await p.getByLabel('Password').fill('correct horse battery');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(new RegExp(`/w/${UUID}`));
    const workspace = new RegExp(`/w/(${UUID})`).exec(p.url())?.[1];

    await p.goto(`/w/${workspace}/audit`);
    await p.getByLabel('Action').selectOption('auth.sign_in_failed');
    const failed = p.locator('tr', { hasText: 'auth.sign_in_failed' });
    await failed.first().waitFor();
    expect(await failed.count()).toBeGreaterThanOrEqual(1);

    // Notes: the server's 200,000-character limit is checked in the browser, before any request.
    await p.goto(`/w/${workspace}`);
    await p.getByRole('link', { name: 'Apollo' }).click();
    await p.getByRole('link', { name: 'New note' }).click();
    await p.waitForURL(/\/notes\/new$/);
    await p.getByLabel('Title').fill('Too long');
    await p.getByLabel('Markdown').fill('x'.repeat(190_000));
    expect(await p.getByTestId('length-count').textContent()).toBe('190,000 / 200,000 characters');
    const sent: string[] = [];
    p.on('request', (r) => {
      if (r.url().includes('notes.create')) sent.push(r.url());
    });
    await p.getByLabel('Markdown').fill('x'.repeat(200_001));
    expect(await p.getByTestId('length-error').textContent()).toBe(
      'Notes are limited to 200,000 characters; this has 200,001.',
    );
    expect(await p.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await p.keyboard.press('Control+s');
    await p.waitForTimeout(300);
    expect(sent).toEqual([]);
  });

  it('a new API token starts with no scopes, and its scopes are listed one chip per resource', async () => {
    const p = await newPage();
    await p.goto('/sign-in');
    await p.getByLabel('Email').fill('alice@example.com');
    await p.getByLabel('Password').fill('correct horse battery');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(new RegExp(`/w/${UUID}`));
    const workspace = new RegExp(`/w/(${UUID})`).exec(p.url())?.[1];
    await p.goto(`/w/${workspace}/tokens`);
    await p.getByLabel('Name').fill('ci');
    const boxes = p.locator('fieldset.scopes input[type=checkbox]');
    expect(await boxes.count()).toBeGreaterThan(5);
    expect(await p.locator('fieldset.scopes input[type=checkbox]:checked').count()).toBe(0);
    await p.getByRole('checkbox', { name: 'notes:read' }).check();
    await p.getByRole('checkbox', { name: 'notes:write' }).check();
    await p.getByRole('checkbox', { name: 'projects:read' }).check();
    await p.getByRole('button', { name: 'Create token' }).click();
    await p.getByTestId('token-secret').waitFor();
    const row = p.getByTestId('tokens-table').locator('tr', { hasText: 'ci' });
    expect(await row.locator('.chip').allTextContents()).toEqual(['notes: read write', 'projects: read']);
  });
});
