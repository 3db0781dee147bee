/**
 * Browser end-to-end test of repositories: a field error from the connect form, connecting a
 * local git directory, syncing it and seeing status ready with its commit.
 * Needs a built web app (`npm run build:web`); uses the system Chromium via playwright-core.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWorkTree } from '../../src/testing/git-http-server.js';
import { artifacts, setUpAdmin, shot, startE2e, type E2eEnv } from './harness.js';

let env: E2eEnv | undefined;
const lines: string[] = [];
const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nyx-repos-e2e-')));

beforeAll(async () => {
  env = await startE2e('repositories', lines);
});

afterAll(async () => {
  await env?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

let page: Page | undefined;

describe('repositories page', () => {
  it('connects a local repository, syncs it and shows it ready at its commit', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await page?.screenshot({ path: path.join(artifacts, 'repositories-failure.png') }).catch(() => undefined);
    });
    if (!env) throw new Error('no e2e environment');
    const dir = path.join(work, 'api');
    const head = makeWorkTree(dir, [{ 'src/index.ts': 'export const answer = 42;\n' }]);
    const a = await env.newPage();
    page = a;
    await setUpAdmin(a, lines, { workspace: 'Acme', project: 'Platform' });
    await a.getByTestId('project-card').filter({ hasText: 'Platform' }).getByRole('link').first().click();
    await a.getByTestId('project-repositories').click();
    await a.waitForURL(/\/repositories$/);
    await a.getByText('No repositories yet').waitFor();

    await a.getByRole('button', { name: 'Connect repository' }).click();
    // A URL the server would refuse is caught in the form, under its field.
    await a.getByLabel('Clone URL').fill('file:///etc');
    await a.getByRole('button', { name: 'Connect', exact: true }).click();
    await a.locator('#repository-url-error').getByText('Only https:// (or http://) URLs can be cloned').waitFor();
    // A path the server refuses comes back as a field error too.
    await a.getByRole('button', { name: 'Local directory' }).click();
    await a.getByLabel('Directory on the server').fill(path.join(work, 'missing'));
    await a.getByRole('button', { name: 'Connect', exact: true }).click();
    await a.locator('#repository-path-error').getByText('No such directory on the server').waitFor();

    await a.getByLabel('Directory on the server').fill(dir);
    await a.getByRole('button', { name: 'Connect', exact: true }).click();
    const row = a.getByTestId('repository-row').filter({ hasText: 'api' });
    await row.waitFor();
    expect(await row.getByTestId('repository-status').textContent()).toBe('not synced');

    await row.getByTestId('repository-sync').click();
    await row.getByTestId('repository-status').getByText('ready').waitFor();
    expect(await row.getByTestId('repository-commit').textContent()).toBe(head.slice(0, 12));
    await shot(a, 'repositories.png');

    await row.getByTestId('repository-delete').click();
    await row.getByTestId('repository-delete-confirm').click();
    await a.getByText('No repositories yet').waitFor();
    expect(fs.existsSync(path.join(dir, 'src/index.ts'))).toBe(true);
  });
});
