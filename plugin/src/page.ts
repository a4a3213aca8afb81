/**
 * index.cgi's HTML: WHM's header, the page's mount point, app.css and app.js (with a
 * version stamp so browsers pick up upgrades), WHM's footer, under a Content-Security-Policy
 * ({@link contentSecurityPolicy}). The page itself talks to api.cgi under the same /cpsess
 * token.
 */
import { randomBytes } from 'node:crypto';
import { toWhm2faError } from './errors';
import { checkSession } from './session';
import { whmChrome } from './chrome';
import type { ServerPaths } from './paths';
import { cgiRequest, logError, respond, type CgiOptions } from './cgi';
import { serverPaths } from './paths';
import type { CgiRequest, CgiResponse } from './cgiTypes';
import { setRequestLocale, t } from './messages';
import { isRightToLeft, languageTag, type Locale } from './locale';
import { requestLocale } from './userLocale';

declare const __WHM2FA_VERSION__: string;
const VERSION = typeof __WHM2FA_VERSION__ === 'string' ? __WHM2FA_VERSION__ : 'dev';
function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${String(c.charCodeAt(0))};`);
}

/** The `lang` and `dir` attributes of the request's language (`dir="rtl"` for Arabic). */
function languageAttributes(locale: Locale): string {
  return `lang="${languageTag(locale)}" dir="${isRightToLeft(locale) ? 'rtl' : 'ltr'}"`;
}

function plainHead(locale: Locale): string {
  return [
    '<!DOCTYPE html>',
    `<html ${languageAttributes(locale)}>`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(t('page.title'))}</title>`,
    '</head>',
    '<body class="whm2fa-plain">',
  ].join('\n');
}

/**
 * WHM's header with its `<html>` element in the request's language: cPanel's cached header
 * may be in the server's language, not the user's.
 */
function inLanguage(header: string, locale: Locale): string {
  return header.replace(/<html\b[^>]*>/i, (tag) => {
    const rest = tag
      .slice(5, -1)
      .replace(/\s(?:lang|dir)\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)/gi, '')
      .trim();
    return `<html ${languageAttributes(locale)}${rest === '' ? '' : ` ${rest}`}>`;
  });
}

/**
 * The Content-Security-Policy of index.cgi's answers. Scripts and style sheets come only
 * from this server (whm2fa's app.js and app.css, WHM's own files) or carry this answer's
 * nonce: WHM's header and footer mark their inline `<script>` and `<style>` blocks with
 * the placeholder chrome.ts fills in, and the page itself has no inline script or style.
 * Style attributes are allowed because WHM's chrome writes some and a nonce cannot cover
 * an attribute; they run no script. Images: this server and `data:` (the QR code is a
 * `data:` SVG image). The page fetches only api.cgi, posts no form elsewhere, and may be
 * framed only by WHM itself.
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}

function htmlHeaders(nonce: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': contentSecurityPolicy(nonce),
  };
}

/** index.cgi's answer to one request: the page's HTML inside WHM's chrome, or a refusal. */
export function servePage(paths: ServerPaths, request: CgiRequest): CgiResponse {
  const nonce = randomBytes(16).toString('base64');
  // The user's language, as cPanel picks it (userLocale.ts); every text below speaks it.
  const locale = requestLocale(paths, request.remoteUser, request.cookie);
  setRequestLocale(paths.localesDir, locale);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return {
      status: 405,
      headers: { ...htmlHeaders(nonce), Allow: 'GET' },
      body: `${plainHead(locale)}<p>${escapeHtml(t('page.getOnly'))}</p></body></html>\n`,
    };
  }
  let user: string;
  try {
    user = checkSession(paths, request).user;
  } catch (err) {
    const coded = toWhm2faError(err);
    return {
      status: coded.status,
      headers: htmlHeaders(nonce),
      body: `${plainHead(locale)}<main class="container"><h1>${escapeHtml(t('page.title'))}</h1><p role="alert">${escapeHtml(coded.message)}</p></main></body></html>\n`,
    };
  }
  const token = request.securityToken ?? '';
  const chrome = whmChrome(paths, { user, token, title: t('page.title'), nonce });
  const v = encodeURIComponent(VERSION);
  const app = [
    `<link rel="stylesheet" href="app.css?v=${v}">`,
    // The page loads its catalogs for `data-locale` (frontend/src/i18n.tsx); lang and dir hold inside any chrome.
    `<div id="whm2fa" class="whm2fa" ${languageAttributes(locale)} data-locale="${locale}" data-version="${escapeHtml(VERSION)}" data-chrome="${chrome === undefined ? 'plain' : 'whm'}">`,
    `<noscript><p>${escapeHtml(t('page.needsJavaScript'))}</p></noscript>`,
    '</div>',
    // A module: it loads the page's other files (page-*.js) itself, the admin tabs on demand.
    `<script type="module" src="app.js?v=${v}" nonce="${nonce}"></script>`,
  ].join('\n');
  const body =
    chrome === undefined
      ? `${plainHead(locale)}\n${app}\n</body>\n</html>\n`
      : `${inLanguage(chrome.header, locale)}\n${app}\n${chrome.footer}`;
  return { status: 200, headers: htmlHeaders(nonce), body: request.method === 'HEAD' ? '' : body };
}

/** index.cgi: the page inside WHM's chrome; never fails without a readable answer. */
export function servePageRequest(options: CgiOptions): void {
  try {
    respond(servePage(serverPaths(options.root), cgiRequest()));
  } catch (err) {
    logError('page', err);
    respond({
      status: 500,
      headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      body: `${t('page.failed')}\n`,
    });
  }
}
