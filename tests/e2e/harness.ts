/**
 * Shared set-up for the browser tests: a built web app, nyxCore started in-process on a
 * free port with a fresh data directory, and the system Chromium via playwright-core
 * (never a downloaded browser).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { loadEnv } from '../../src/config/env.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../src/testing/fake-llm-server.js';
import { freePort } from '../../src/testing/listeners.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const artifacts = path.join(root, 'tests/e2e/artifacts');
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export interface E2eEnv {
  server: RunningServer;
  browser: Browser;
  baseUrl: string;
  dataDir: string;
  /** The local provider server, when started with `{ withFakeLlm: true }`. */
  fake: FakeLlmServer | null;
  /** A fresh browser context (laptop-sized viewport) on the server. */
  newPage: () => Promise<Page>;
  close(): Promise<void>;
}

/** Starts nyxCore (open sign-up) and Chromium; the server's printed lines go to `lines`. */
export async function startE2e(name: string, lines: string[], opts: { withFakeLlm?: boolean } = {}): Promise<E2eEnv> {
  if (!fs.existsSync(path.join(root, 'web/dist/index.html'))) {
    throw new Error('web/dist/index.html is missing: run npm run build:web first');
  }
  fs.mkdirSync(artifacts, { recursive: true });
  const fake = opts.withFakeLlm ? await startFakeLlmServer() : null;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `nyx-${name}-e2e-`));
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const server = await startServer(
    loadEnv({
      PORT: String(port),
      NYXCORE_DATA_DIR: dataDir,
      NYXCORE_SIGNUP: 'open',
      LOG_LEVEL: 'warn',
      NYXCORE_PUBLIC_URL: baseUrl,
    }),
    (l) => lines.push(l),
  );
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  return {
    server,
    browser,
    baseUrl,
    dataDir,
    fake,
    newPage: async () => {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 860 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    close: async () => {
      await browser.close();
      await server.close();
      await fake?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A link of the workspace's top navigation. Example: `await nav(page, 'Workflows').click()`. */
export const nav = (p: Page, name: string) =>
  p.getByRole('navigation', { name: 'Workspace' }).getByRole('link', { name, exact: true });

/**
 * Polls `expression` from the test. Not `page.waitForFunction`: it evals its predicate inside the
 * page, which the app's CSP (no 'unsafe-eval') refuses as soon as a first check fails and it polls.
 */
export async function waitUntil(p: Page, expression: string, timeoutMs = 45_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await p.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function dismissToasts(p: Page): Promise<void> {
  // Strings: this file is type-checked without the DOM library.
  await p.evaluate("document.querySelectorAll('.toast-close').forEach((b) => b.click())");
  await waitUntil(p, "!document.querySelector('.toast')");
}

/** A full-page screenshot for review in tests/e2e/artifacts, without lingering toasts, from the top unless told otherwise. */
export async function shot(p: Page, name: string, { isScrolled = true } = {}): Promise<void> {
  await dismissToasts(p);
  if (isScrolled) await p.evaluate('window.scrollTo(0, 0)');
  await p.screenshot({ path: path.join(artifacts, name), fullPage: true });
}

/** Fills in a sign-up form (first-run setup, open sign-up or an invitation) and submits it with `button`. */
export async function signUp(page: Page, user: { name: string; email: string }, button: string): Promise<void> {
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: button }).click();
}

/** Creates the signed-in user's first workspace; returns its id. */
export async function createWorkspace(page: Page, name: string): Promise<string> {
  await page.getByRole('heading', { name: 'Create your first workspace' }).waitFor();
  await page.getByLabel('Workspace name').fill(name);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.waitForURL(new RegExp(`/w/${UUID}$`));
  expect(await page.getByTestId('current-workspace').textContent()).toBe(name);
  const id = new RegExp(`/w/(${UUID})`).exec(page.url())?.[1];
  if (!id) throw new Error(`no workspace id in ${page.url()}`);
  return id;
}

/**
 * First-run setup through the link the server printed to `lines`: Alice Admin's account,
 * a workspace and, if named, a project in it. Returns the workspace id.
 */
export async function setUpAdmin(
  page: Page,
  lines: readonly string[],
  opts: { workspace: string; project?: string },
): Promise<string> {
  const setupLine = lines.find((l) => l.includes('/setup?token='));
  expect(setupLine, 'server printed a setup link').toBeDefined();
  await page.goto(setupLine!.trim());
  await page.getByRole('heading', { name: 'Welcome to nyxCore' }).waitFor();
  await signUp(page, { name: 'Alice Admin', email: 'alice@example.com' }, 'Create admin account');
  const workspaceId = await createWorkspace(page, opts.workspace);
  if (opts.project) {
    await page.getByRole('button', { name: 'New project' }).click();
    await page.getByLabel('Project name').fill(opts.project);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByTestId('project-card').filter({ hasText: opts.project }).waitFor();
  }
  return workspaceId;
}
