/**
 * Shared set-up for the browser tests: a built web app, nyxCore started in-process on a
 * free port with a fresh data directory, and the system Chromium via playwright-core
 * (never a downloaded browser).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadEnv } from '../../src/config/env.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { startFakeLlmServer, type FakeLlmServer } from '../../src/testing/fake-llm-server.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const artifacts = path.join(root, 'tests/e2e/artifacts');
export const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

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
    loadEnv({ PORT: String(port), NYXCORE_DATA_DIR: dataDir, NYXCORE_SIGNUP: 'open', LOG_LEVEL: 'warn', NYXCORE_PUBLIC_URL: baseUrl }),
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

export async function dismissToasts(p: Page): Promise<void> {
  // Strings: this file is type-checked without the DOM library.
  await p.evaluate("document.querySelectorAll('.toast-close').forEach((b) => b.click())");
  await p.waitForFunction("!document.querySelector('.toast')");
}

/** A full-page screenshot for review in tests/e2e/artifacts, without lingering toasts, from the top unless told otherwise. */
export async function shot(p: Page, name: string, { isScrolled = true } = {}): Promise<void> {
  await dismissToasts(p);
  if (isScrolled) await p.evaluate('window.scrollTo(0, 0)');
  await p.screenshot({ path: path.join(artifacts, name), fullPage: true });
}
