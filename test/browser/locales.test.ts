// The page in the user's language, in Chromium through the local WHM: reseller1 with
// LOCALE=de sees no English text of whm2fa's catalogs, root with `locale: ja` sees Japanese,
// the session_locale cookie overrides both; Arabic runs right to left (mirrored, with keys
// and codes left to right) with no axe-core violation at 1280 and 360 px; a pseudo-locale
// 40% longer than English neither clips nor overflows at 360 px. A language whose
// translation has not landed yet is served as a generated pseudo-locale (marked [xx]).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { TOP } from '../support/server';
import { pseudoCatalog } from '../support/pseudoLocale';
import { checkBothWidths, login, openStage, type Stage } from './support';
// @ts-expect-error: plain JavaScript module
import { localeModule } from '../../scripts/catalogs.mjs';
// @ts-expect-error: plain JavaScript module of the local WHM
import { DEFAULT_ACCOUNTS } from '../../scripts/fake-cpanel/tree.mjs';

let stage: Stage;
const accounts = (DEFAULT_ACCOUNTS as { accounts: Array<Record<string, string>> }).accounts.map((a) =>
  a['user'] === 'reseller1' ? { ...a, locale: 'de' } : a,
);
beforeAll(async () => {
  stage = await openStage({
    accounts: accounts as never,
    rootLocale: 'ja',
    secrets: { shop1: 'JBSWY3DPEHPK3PXP' },
  });
});
afterAll(async () => {
  await stage.close();
});

const TAGS: Record<string, string> = { de: 'de', ja: 'ja', ar: 'ar', tr: 'tr' };

/** A page catalog file (page, admin) of `locale` as a pseudo-locale module (short keys, as the build writes it). */
const pseudoModule = (locale: string, name: string): string =>
  (localeModule as (c: unknown) => string)(pseudoCatalog(name, `[${locale}]`, TAGS[locale]));

/**
 * A browser context whose pages get `locale`'s page catalog: the built one when its
 * translation is in the repository (and `pseudo` is not asked for), else a pseudo-locale.
 */
async function contextFor(width: number, cookie?: string, pseudo: readonly string[] = []): Promise<BrowserContext> {
  const context = await stage.browser.newContext({ viewport: { width, height: 900 } });
  const file = /\/locale-([a-z]+(?:_[a-z]+)?)(-admin)?\.js/;
  await context.route(file, async (route) => {
    const [, locale = '', admin] = file.exec(route.request().url()) ?? [];
    if (!pseudo.includes(locale) && existsSync(join(TOP, 'dist/frontend', `locale-${locale}.js`)))
      return route.continue();
    const body = pseudoModule(locale, admin === undefined ? 'page' : 'admin');
    return route.fulfill({ status: 200, contentType: 'text/javascript', body });
  });
  if (cookie !== undefined) await context.addCookies([{ name: 'session_locale', value: cookie, url: stage.url }]);
  return context;
}

/** Logs `user` in and opens whm2fa's page, whatever language its tabs are in. */
async function open(context: BrowserContext, user: string): Promise<Page> {
  const page = await context.newPage();
  await login(page, stage.url, user);
  await page.getByRole('link', { name: 'Two-Factor Authentication' }).first().click();
  await page.locator('#whm2fa [role=tab]').first().waitFor();
  return page;
}

/** Sentences of the English page catalogs (between placeholders and markup, two words or more). */
const ENGLISH: string[] = ['page', 'admin'].flatMap((name) =>
  Object.values(JSON.parse(readFileSync(join(TOP, 'locales/en', `${name}.json`), 'utf8')) as Record<string, unknown>)
    .map((m) => (typeof m === 'string' ? m : ((m as { other: string }).other ?? '')))
    .flatMap((text) => text.split(/\{\w+\}|<\/?\w+>/))
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 2 && s.length >= 10),
);

/** The English sentences still on whm2fa's part of the page (WHM's own chrome aside). */
async function englishLeft(page: Page): Promise<string[]> {
  const text = (await page.locator('#whm2fa').innerText()).replace(/\s+/g, ' ');
  return ENGLISH.filter((s) => text.includes(s));
}

/** Every tab in turn (by position: their names are in the page's language), with what each shows. */
async function eachTab(page: Page, each: (index: number) => Promise<void>): Promise<void> {
  const tabs = page.locator('#whm2fa [role=tab]');
  for (let i = 0; i < (await tabs.count()); i += 1) {
    await tabs.nth(i).click();
    await page.locator('#whm2fa [role=tabpanel] :is(h2, table, form)').first().waitFor();
    await page.waitForFunction(() => document.querySelector('#whm2fa [aria-busy=true]') === null);
    await each(i);
  }
}

const langOf = (page: Page) => page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]);

describe('the user’s language', () => {
  it('reseller1 (LOCALE=de) sees German on every tab, no English sentence of whm2fa left', async () => {
    const page = await open(await contextFor(1280), 'reseller1');
    expect(await langOf(page)).toEqual(['de', 'ltr']);
    await eachTab(page, async (i) => expect(await englishLeft(page), `tab ${String(i)}`).toEqual([]));
  });

  it('reseller1 (LOCALE=de) reads numbers as German writes them: the coverage share is “50 %”, not “50%”', async () => {
    const page = await open(await contextFor(1280), 'reseller1');
    let text = '';
    await eachTab(page, async () => {
      text += await page.locator('#whm2fa').innerText();
    });
    // Intl writes a German percentage with a no-break space before the sign.
    expect(text).toMatch(/\d[\u00a0\u202f]%/);
    expect(text).not.toMatch(/\d%/);
  });

  it('root (locale: ja in ~/.cpanel_config) sees Japanese', async () => {
    const page = await open(await contextFor(1280), 'root');
    expect(await langOf(page)).toEqual(['ja', 'ltr']);
    await eachTab(page, async (i) => expect(await englishLeft(page), `tab ${String(i)}`).toEqual([]));
  });

  it('the session_locale cookie overrides both', async () => {
    const reseller = await open(await contextFor(1280, 'ja'), 'reseller1');
    expect(await langOf(reseller)).toEqual(['ja', 'ltr']);
    const root = await open(await contextFor(1280, 'de'), 'root');
    expect(await langOf(root)).toEqual(['de', 'ltr']);
    expect(await englishLeft(root)).toEqual([]);
    const english = await open(await contextFor(1280, 'en'), 'reseller1');
    expect(await langOf(english)).toEqual(['en', 'ltr']);
    await english.getByRole('tab', { name: 'Manage my Account' }).waitFor();
  });
});

describe('a language file that cannot be loaded', () => {
  it('leaves the page in English, and says so: <html lang="en" dir="ltr">, not Arabic right to left', async () => {
    const context = await contextFor(1280, 'ar');
    await context.route(/\/locale-ar(-admin)?\.js/, (route) => route.fulfill({ status: 404, body: '' }));
    const page = await open(context, 'reseller1');
    await page.getByRole('tab', { name: 'Manage my Account' }).waitFor();
    expect(await langOf(page)).toEqual(['en', 'ltr']);
    const mount = await page.evaluate(() => {
      const m = document.getElementById('whm2fa');
      return [m?.lang, m?.dir, m?.dataset['locale']];
    });
    expect(mount).toEqual(['en', 'ltr', 'en']);
  });
});

/**
 * axe rules not run while a language is a pseudo-locale: its padding words make a button's
 * visible text differ from its longer accessible name, which a translation must not do.
 */
const pseudoSkips = (locale: string): string[] =>
  existsSync(join(TOP, 'dist/frontend', `locale-${locale}.js`)) ? [] : ['label-content-name-mismatch'];

describe('Arabic', () => {
  it('runs right to left, mirrored; the key, the code field and the QR code stay left to right; no axe violation', async () => {
    const skip = pseudoSkips('ar');
    const page = await open(await contextFor(1280, 'ar'), 'reseller1');
    expect(await langOf(page)).toEqual(['ar', 'rtl']);
    expect(await page.locator('#whm2fa').getAttribute('dir')).toBe('rtl');
    // Mirrored: the first tab is the rightmost.
    const tabs = page.locator('#whm2fa [role=tab]');
    const first = await tabs.nth(0).boundingBox();
    const second = await tabs.nth(1).boundingBox();
    expect((first?.x ?? 0) > (second?.x ?? 0)).toBe(true);
    expect(await checkBothWidths(page, 'locale-ar-account', skip)).toEqual([]);
    await eachTab(page, async (i) => {
      if (i > 0) expect(await checkBothWidths(page, `locale-ar-tab${String(i)}`, skip)).toEqual([]);
    });
    await tabs.nth(0).click();
    await page.locator('#whm2fa .whm2fa-state ~ p .btn-primary').click();
    await page.locator('#whm2fa img.whm2fa-qr').waitFor();
    const direction = (selector: string) => page.locator(selector).evaluate((el) => getComputedStyle(el).direction);
    expect(await direction('#whm2fa .whm2fa-secret')).toBe('ltr');
    expect(await direction('#whm2fa-code')).toBe('ltr');
    expect(await direction('#whm2fa .whm2fa-steps')).toBe('rtl');
    expect(await checkBothWidths(page, 'locale-ar-setup', skip)).toEqual([]);
  });
});

/** Text that is cut off or sticks out of the window at the current width. */
async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('#whm2fa *'))) {
      // The tab strip and wide tables scroll by themselves on a phone (app.css): not cut off.
      if (el.closest('.table-responsive, .nav-tabs') !== null || el.offsetParent === null) continue;
      const style = getComputedStyle(el);
      const text = (el.textContent ?? '').trim().slice(0, 40);
      if (text === '') continue;
      const cuts = style.overflowX === 'hidden' || style.overflowX === 'clip' || style.textOverflow === 'ellipsis';
      if (cuts && el.scrollWidth > el.clientWidth + 1) found.push(`clipped: ${text}`);
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 || box.left < -1) found.push(`outside the window: ${text}`);
    }
    return found;
  });
}

describe('a language 40% longer than English', () => {
  it('neither clips nor overflows at 360 px on any tab or in the set-up', async () => {
    const page = await open(await contextFor(360, 'tr', ['tr']), 'root');
    expect(await langOf(page)).toEqual(['tr', 'ltr']);
    const problems: string[] = [];
    await eachTab(page, async (i) => {
      for (const p of await clipped(page)) problems.push(`tab ${String(i)}: ${p}`);
    });
    await page.locator('#whm2fa [role=tab]').nth(0).click();
    await page.locator('#whm2fa .whm2fa-state ~ p .btn-primary').click();
    await page.locator('#whm2fa img.whm2fa-qr').waitFor();
    for (const p of await clipped(page)) problems.push(`set-up: ${p}`);
    expect(problems).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  });
});
