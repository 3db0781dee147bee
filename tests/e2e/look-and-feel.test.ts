/**
 * Browser test of the app's look and feel: dark mode from the system and the user menu's theme
 * switch (remembered across a reload), the section menu on a phone-sized screen, usage-chart
 * labels at the app's small-text size, toasts that keep clear of the discussion's Send button,
 * and one content width for every section.
 * Needs a built web app (`npx vite build`); uses the system Chromium via playwright-core.
 */
import path from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifacts, nav, setUpAdmin, startE2e, UUID, type E2eEnv } from './harness.js';

let env: E2eEnv | undefined;
const lines: string[] = [];
let workspaceId = '';
/** The admin's cookies, so each test opens its own browser context already signed in. */
let signedIn: BrowserContextOptions['storageState'];
const pages: Page[] = [];

beforeAll(async () => {
  env = await startE2e('look', lines);
  const page = await env.newPage();
  workspaceId = await setUpAdmin(page, lines, { workspace: 'Acme', project: 'Apollo' });
  signedIn = await page.context().storageState();
  await page.context().close();
});

afterAll(async () => {
  await env?.close();
});

async function open(url: string, opts: BrowserContextOptions = {}): Promise<Page> {
  const context = await env!.browser.newContext({
    baseURL: env!.baseUrl,
    viewport: { width: 1366, height: 860 },
    storageState: signedIn,
    ...opts,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  pages.push(page);
  await page.goto(url);
  return page;
}

type Rgb = [number, number, number];
function parseRgb(css: string): Rgb {
  const m = /rgba?\((\d+), (\d+), (\d+)/.exec(css);
  if (!m) throw new Error(`not an rgb colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
/** WCAG relative luminance, 0 (black) to 1 (white). */
function luminance(css: string): number {
  const [r, g, b] = parseRgb(css).map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }) as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// Strings: this file is type-checked without the DOM library.
/** Computed colours: the page, its text, a card, muted text and a link. */
const COLOURS = `(() => {
  const s = (sel, prop) => { const el = document.querySelector(sel); return el ? getComputedStyle(el)[prop] : null; };
  return { bg: s('body', 'backgroundColor'), text: s('body', 'color'), card: s('.card', 'backgroundColor'), muted: s('.muted', 'color'), link: s('.card a', 'color') };
})()`;
interface Colours {
  bg: string;
  text: string;
  card: string;
  muted: string;
  link: string;
}

const box = async (p: Page, selector: string) => {
  const b = await p.locator(selector).first().boundingBox();
  if (!b) throw new Error(`${selector} is not visible`);
  return b;
};

describe('look and feel', () => {
  it('follows a dark system theme, readable, and the user menu switches to light for good', async ({
    onTestFailed,
  }) => {
    onTestFailed(async () => {
      await pages
        .at(-1)
        ?.screenshot({ path: path.join(artifacts, 'look-dark-failure.png'), fullPage: true })
        .catch(() => undefined);
    });
    const p = await open(`/w/${workspaceId}`, { colorScheme: 'dark' });
    await p.getByTestId('project-card').first().waitFor();
    const dark = await p.evaluate<Colours>(COLOURS);
    expect(luminance(dark.bg)).toBeLessThan(0.05);
    expect(luminance(dark.text)).toBeGreaterThan(0.6);
    expect(luminance(dark.card)).toBeLessThan(0.05);
    expect(contrast(dark.text, dark.card)).toBeGreaterThan(7);
    expect(contrast(dark.muted, dark.card)).toBeGreaterThan(4.5);
    expect(contrast(dark.link, dark.card)).toBeGreaterThan(4.5);
    await p.screenshot({ path: path.join(artifacts, 'look-dark.png') });

    // The user menu pins light; a reload keeps it (the system still says dark).
    await p.getByTestId('user-menu').locator('summary').click();
    const themes = p.getByTestId('theme-switch');
    expect(await themes.getByRole('button', { name: 'System' }).getAttribute('aria-pressed')).toBe('true');
    await themes.getByRole('button', { name: 'Light' }).click();
    expect(luminance((await p.evaluate<Colours>(COLOURS)).bg)).toBeGreaterThan(0.85);
    await p.reload();
    await p.getByTestId('project-card').first().waitFor();
    const light = await p.evaluate<Colours>(COLOURS);
    expect(luminance(light.bg)).toBeGreaterThan(0.85);
    expect(luminance(light.text)).toBeLessThan(0.05);
    await p.getByTestId('user-menu').locator('summary').click();
    expect(await themes.getByRole('button', { name: 'Light' }).getAttribute('aria-pressed')).toBe('true');

    // Back to the system's choice: dark again.
    await themes.getByRole('button', { name: 'System' }).click();
    expect(luminance((await p.evaluate<Colours>(COLOURS)).bg)).toBeLessThan(0.05);
    await p.context().close();
  });

  it('opens the section links from a menu button on a phone-sized screen', async () => {
    const p = await open(`/w/${workspaceId}/members`, { viewport: { width: 390, height: 844 } });
    await p.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    const toggle = p.getByRole('button', { name: 'Menu' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await nav(p, 'Audit log').isVisible()).toBe(false);

    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const links = p.getByRole('navigation', { name: 'Workspace' }).getByRole('link');
    const names = await links.allInnerTexts();
    expect(names).toEqual([
      'Projects',
      'Personas',
      'Memory',
      'Workflows',
      'Discussions',
      'Members',
      'API tokens',
      'LLM',
      'Usage',
      'Audit log',
    ]);
    for (const [i, name] of names.entries()) {
      const b = await links.nth(i).boundingBox();
      expect(b, name).not.toBeNull();
      expect(b!.x, name).toBeGreaterThanOrEqual(0);
      expect(b!.y, name).toBeGreaterThanOrEqual(0);
      expect(b!.x + b!.width, name).toBeLessThanOrEqual(390);
      expect(b!.y + b!.height, name).toBeLessThanOrEqual(844);
    }
    await p.screenshot({ path: path.join(artifacts, 'look-phone-menu.png') });

    // Escape closes it and gives focus back to the button; choosing a link navigates and closes it.
    await p.keyboard.press('Escape');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await nav(p, 'Audit log').isVisible()).toBe(false);
    expect(await p.evaluate<string | null>("document.activeElement.getAttribute('aria-controls')")).toBe(
      'workspace-nav',
    );
    await toggle.press('Enter');
    await nav(p, 'Workflows').click();
    await p.waitForURL(/\/workflows$/);
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    // The header itself fits: nothing sticks out to the right.
    expect(await p.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await p.context().close();
  });

  it('draws usage-chart labels at the small-text size, not scaled up with the chart', async () => {
    const p = await open(`/w/${workspaceId}/usage`);
    await p.getByTestId('usage-chart').waitFor();
    // The size on screen: the computed font size times the SVG's scale.
    const sizes = await p.evaluate<number[]>(
      `[...document.querySelectorAll('[data-testid="usage-chart"] .chart-label')].map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)`,
    );
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(13);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(11);
    await p.context().close();
  });

  it('shows a toast on the discussion page without covering Send', async ({ onTestFailed }) => {
    onTestFailed(async () => {
      await pages
        .at(-1)
        ?.screenshot({ path: path.join(artifacts, 'look-toast-failure.png') })
        .catch(() => undefined);
    });
    // A laptop-height window with a discussion long enough that the composer sticks to the bottom.
    const p = await open(`/w/${workspaceId}/discussions`, { viewport: { width: 1366, height: 700 } });
    await p.getByRole('button', { name: 'New discussion' }).click();
    const form = p.getByTestId('new-discussion-form');
    await form.getByLabel('Title').fill('Toasts');
    await form.getByRole('radio', { name: /Single/ }).check();
    const first = p.getByRole('group', { name: 'Participant 1' });
    await first.getByLabel('Persona').locator('option').nth(1).waitFor({ state: 'attached' });
    await first.getByLabel('Persona').selectOption({ index: 1 });
    await first.getByLabel('Provider').selectOption('offline');
    await form.getByLabel('Opening message (optional)').fill('How should we plan the queue migration?\n'.repeat(12));
    await form.getByRole('button', { name: 'Start discussion' }).click();
    await p.waitForURL(new RegExp(`/discussions/${UUID}$`));
    await p.getByRole('button', { name: 'Continue' }).waitFor();
    await p.evaluate("document.querySelectorAll('.toast-close').forEach((b) => b.click())");
    // At the top of a long discussion the composer sticks to the window's bottom edge.
    await p.evaluate('window.scrollTo(0, 0)');

    // Saving the answer language (in the page header) toasts "Language saved".
    await p.getByLabel('Answer language').selectOption({ index: 2 });
    await p.getByTestId('toast-success').filter({ hasText: 'Language saved' }).waitFor();
    const send = await box(p, 'button:text-is("Send")');
    expect(send.y + send.height).toBeLessThanOrEqual(700);
    expect(send.y + send.height, 'Send is on the sticky composer at the bottom').toBeGreaterThan(700 - 40);
    const toasts = p.getByTestId('toast-success');
    for (let i = 0; i < (await toasts.count()); i++) {
      const t = (await toasts.nth(i).boundingBox())!;
      const overlaps =
        t.x < send.x + send.width && send.x < t.x + t.width && t.y < send.y + send.height && send.y < t.y + t.height;
      expect(overlaps, `toast ${JSON.stringify(t)} covers Send ${JSON.stringify(send)}`).toBe(false);
    }
    await p.screenshot({ path: path.join(artifacts, 'look-toast.png') });
    await p.context().close();
  });

  it('gives every section the same content width', async () => {
    const p = await open(`/w/${workspaceId}/members`);
    await p.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    const members = await box(p, '.content > .page');
    await nav(p, 'Workflows').click();
    await p.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();
    const workflows = await box(p, '.content > .page');
    await nav(p, 'Usage').click();
    await p.getByTestId('usage-chart').waitFor();
    const usage = await box(p, '.content > .page');
    expect(workflows.width).toBe(members.width);
    expect(usage.width).toBe(members.width);
    expect(workflows.x).toBe(members.x);
    await p.context().close();
  });
});
