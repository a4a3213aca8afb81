// The page's message catalogs at build time (docs/i18n.md, "Build"). Message ids are
// descriptive in the source ("setup.expiresIn") but cost bytes twice in the page (in the
// catalog and at each use), so the page's build gives each a short key: the English
// catalogs and every quoted id in the page's source are rewritten alike, and each other
// language becomes two files with the same short keys, as English is split: locale-<id>.js
// (page.json, before the first draw) and locale-<id>-admin.js (admin.json, with the admin
// tabs). An id the source never names literally (built at run time, or unused) fails the build.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOP } from './ensure.mjs';

const LOCALES = join(TOP, 'locales');
/** The page's catalogs: the first load's, then the admin tabs'. */
export const PAGE_CATALOGS = ['page', 'admin'];
/** The server's catalogs: the API's messages and index.cgi's texts, then the mails. */
export const SERVER_CATALOGS = ['api', 'mail'];

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Every page message id, in catalog order, with its short key (base 36 of its position). */
export function pageKeys() {
  const ids = PAGE_CATALOGS.flatMap((name) => Object.keys(readJson(join(LOCALES, 'en', `${name}.json`))));
  return new Map(ids.map((id, i) => [id, i.toString(36)]));
}

/** The languages with catalogs besides English, as their directory names (`pt_br`). */
export function otherLocales() {
  return readdirSync(LOCALES)
    .filter((d) => d !== 'en' && /^[a-z_]+$/.test(d))
    .filter((d) => PAGE_CATALOGS.every((name) => existsSync(join(LOCALES, d, `${name}.json`))))
    .sort();
}

/** A catalog with short keys: ids English lacks are dropped. */
function shortened(catalog, keys) {
  return Object.fromEntries(Object.entries(catalog).flatMap(([id, m]) => (keys.has(id) ? [[keys.get(id), m]] : [])));
}

/** The text of a language's page file: a catalog with short keys as a module. */
export function localeModule(catalog, keys = pageKeys()) {
  return `export default ${JSON.stringify(shortened(catalog, keys))};\n`;
}

/** The file a language's catalog `name` (page, admin) is served as. */
export function localeFileName(locale, name) {
  return name === 'page' ? `locale-${locale}.js` : `locale-${locale}-${name}.js`;
}

/** Each other language's page files: locale, catalog name, file name and text. */
export function localeFiles(keys = pageKeys()) {
  return otherLocales().flatMap((locale) =>
    PAGE_CATALOGS.map((name) => ({
      locale,
      name,
      file: localeFileName(locale, name),
      text: localeModule(readJson(join(LOCALES, locale, `${name}.json`)), keys),
    })),
  );
}

/** The esbuild plugin that puts the short keys into the page's English catalogs and source. */
export function shortMessageKeys(keys = pageKeys()) {
  const used = new Set();
  const quoted = /(['"])([\w.]+)\1/g;
  return {
    name: 'short-message-keys',
    setup(build) {
      build.onLoad({ filter: /[\\/]locales[\\/]en[\\/](page|admin)\.json$/ }, (args) => ({
        contents: `export default ${JSON.stringify(shortened(readJson(args.path), keys))};`,
        loader: 'js',
      }));
      build.onLoad({ filter: /[\\/](frontend[\\/]src[\\/].*|plugin[\\/]src[\\/]issuerWords)\.tsx?$/ }, (args) => {
        const contents = readFileSync(args.path, 'utf8').replace(quoted, (whole, q, id) => {
          if (!keys.has(id)) return whole;
          used.add(id);
          return `${q}${keys.get(id)}${q}`;
        });
        return { contents, loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
      });
      build.onEnd((result) => {
        if (result.errors.length > 0) return;
        const unnamed = [...keys.keys()].filter((id) => !used.has(id));
        if (unnamed.length > 0)
          result.errors.push({ text: `message ids the page never names literally: ${unnamed.join(', ')}` });
      });
    },
  };
}
