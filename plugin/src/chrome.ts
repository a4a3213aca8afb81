/**
 * WHM's own header and footer around our page, from cPanel's pre-rendered files
 * (docs/cpanel.md, "WHM's header and footer"). When the user or a file is missing we return undefined and the
 * caller serves a plain page of its own: the page must never fail because of chrome.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerPaths } from './paths';

/** WHM's header and footer HTML for the page to sit in. */
export interface Chrome {
  readonly header: string;
  readonly footer: string;
}

function readOptional(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * WHM's pre-rendered header and footer for this user, placeholders filled; undefined when
 * cPanel has none for the user (the page then uses a plain layout).
 */
export function whmChrome(
  paths: ServerPaths,
  options: { user: string; token: string; title: string; nonce: string },
): Chrome | undefined {
  const keysText = readOptional(join(paths.headerDir, 'cache_keys.json'));
  if (keysText === undefined) return undefined;
  let key: unknown;
  try {
    key = (JSON.parse(keysText) as Record<string, unknown>)[options.user];
  } catch {
    return undefined;
  }
  if (typeof key !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(key)) return undefined;
  const header = readOptional(join(paths.headerDir, `${key}_0_0.html`));
  const footer = readOptional(paths.footerFile);
  if (header === undefined || footer === undefined) return undefined;
  const fill = (html: string): string =>
    html
      .split('/cpsess0000000000')
      .join(options.token)
      .split('cpuser00000000000')
      .join(options.user)
      .split('Results of Your Request')
      .join(options.title)
      .split('nonce="00000000000"')
      .join(`nonce="${options.nonce}"`);
  return { header: fill(header), footer: fill(footer) };
}
