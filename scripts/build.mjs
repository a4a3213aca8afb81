// Builds what a server runs: the CGI, hook and CLI bundles (CommonJS for the oldest
// Node.js in plugin/src/rules.ts: see docs/decisions/commonjs-bundles.md) into
// dist/plugin, and the page (app.js, app.css) into dist/frontend. Prints the page's gzip size against its 20 KB budget.
import { build } from 'esbuild';
import { existsSync, readFileSync, mkdirSync, rmSync, copyFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRules } from './rules.mjs';
import { SERVER_CATALOGS, localeFiles, pageKeys, shortMessageKeys } from './catalogs.mjs';

const top = join(dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(join(top, 'package.json'), 'utf8'));
const out = join(top, 'dist');
const PAGE_BUDGET_BYTES = 20 * 1024;
/** What one language other than English may add to the page (its locale-<id>.js). */
const LOCALE_BUDGET_BYTES = 6 * 1024;
const { MIN_NODE_MAJOR } = await loadRules();

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'plugin'), { recursive: true });
mkdirSync(join(out, 'frontend'), { recursive: true });

const define = { __WHM2FA_VERSION__: JSON.stringify(version) };

// otplib and qrcode are built as files of their own and required only by the requests
// that need them: compiling them costs every CGI start several milliseconds, and most
// requests (status, lists) use neither. See docs/decisions/lazy-vendor-bundles.md.
const VENDORS = {
  './vendor/otplib': 'vendor-otplib.js',
  './vendor/otplib-crypto': 'vendor-otplib-crypto.js',
  './vendor/qrcode': 'vendor-qrcode.js',
};
const vendorsApart = {
  name: 'vendors-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/vendor\/(otplib|otplib-crypto|qrcode)$/ }, (args) => ({
      path: `./${VENDORS[args.path]}`,
      external: true,
    }));
  },
};

// What runs on the server: CommonJS for the oldest Node.js whm2fa supports (rules.ts;
// docs/decisions/commonjs-bundles.md).
const serverBundle = {
  outdir: join(out, 'plugin'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${String(MIN_NODE_MAJOR)}`,
  minify: true,
  legalComments: 'linked',
  logLevel: 'warning',
};

await build({
  ...serverBundle,
  entryPoints: {
    api: join(top, 'plugin/cgi/api.ts'),
    index: join(top, 'plugin/cgi/index.ts'),
    hook: join(top, 'plugin/hook/hook.ts'),
    cli: join(top, 'plugin/cli/cli.ts'),
  },
  define,
  plugins: [vendorsApart],
  // Load the vendor files with require(): a real import() would start Node's ESM loader.
  supported: { 'dynamic-import': false },
});

await build({
  entryPoints: {
    'vendor-otplib': join(top, 'plugin/src/vendor/otplib.ts'),
    'vendor-otplib-crypto': join(top, 'plugin/src/vendor/otplib-crypto.ts'),
    'vendor-qrcode': join(top, 'plugin/src/vendor/qrcode.ts'),
  },
  ...serverBundle,
});

const keys = pageKeys();
// The page as ES modules split on demand: app.js and what it imports at once make the
// first load; the tabs for managing others (frontend/src/admin.ts) come with their first
// visit. Chunk names carry a content hash, so an upgrade never mixes old and new files
// (docs/decisions/page-split.md).
const page = await build({
  entryPoints: { app: join(top, 'frontend/src/main.tsx') },
  outdir: join(out, 'frontend'),
  bundle: true,
  splitting: true,
  platform: 'browser',
  format: 'esm',
  entryNames: '[name]',
  chunkNames: 'page-[hash]',
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  define: { ...define, 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  logLevel: 'warning',
  plugins: [shortMessageKeys(keys)],
});
// Each other language's words for the page: its first-load file and its admin tabs' file,
// fetched only by a page in that language.
const localePages = localeFiles(keys);
for (const l of localePages) writeFileSync(join(out, 'frontend', l.file), l.text);
const locales = [...new Set(localePages.map((l) => l.locale))].map((locale) => ({
  locale,
  files: Object.fromEntries(localePages.filter((l) => l.locale === locale).map((l) => [l.name, l.file])),
}));
await build({
  entryPoints: { app: join(top, 'frontend/app.css') },
  outdir: join(out, 'frontend'),
  bundle: true,
  minify: true,
  target: ['chrome100', 'firefox100', 'safari15'],
  logLevel: 'warning',
});
writeFileSync(join(out, 'VERSION'), `${version}\n`);
// The server's words in each language but English (built into the bundles): read from
// <program dir>/locales/<id>/ only by a request or a mail in that language (plugin/src/messages.ts).
for (const l of locales) {
  mkdirSync(join(out, 'plugin/locales', l.locale), { recursive: true });
  for (const name of SERVER_CATALOGS) {
    const file = join(top, 'locales', l.locale, `${name}.json`);
    if (existsSync(file))
      writeFileSync(
        join(out, 'plugin/locales', l.locale, `${name}.json`),
        JSON.stringify(JSON.parse(readFileSync(file, 'utf8'))),
      );
  }
}
copyFileSync(join(top, 'plugin/whm2fa.png'), join(out, 'plugin/whm2fa.png'));

// Which page files load first (app.js and its static imports) and which on demand.
const outputs = page.metafile.outputs;
const nameOf = (path) => basename(path);
const first = new Set();
const visit = (path) => {
  if (first.has(nameOf(path))) return;
  first.add(nameOf(path));
  for (const i of outputs[path].imports) if (i.kind === 'import-statement') visit(i.path);
};
const appPath = Object.keys(outputs).find((path) => nameOf(path) === 'app.js');
visit(appPath);
const scripts = Object.keys(outputs)
  .map(nameOf)
  .filter((f) => f.endsWith('.js'));
const later = scripts.filter((f) => !first.has(f));
writeFileSync(
  join(out, 'frontend/manifest.json'),
  `${JSON.stringify({ first: [...first, 'app.css'], later, locales: Object.fromEntries(locales.map((l) => [l.locale, l.files])) }, null, 2)}\n`,
);
// cPanel serves a plugin's static files by their url lines (docs/cpanel.md, "Registration"):
// each chunk gets one in the AppConfig install.sh registers.
const conf = readFileSync(join(top, 'plugin/whm2fa.conf'), 'utf8');
const used = [...conf.matchAll(/^url(\d*)=/gm)].map((m) => Number(m[1] || 1));
const chunks = [...scripts.filter((f) => f !== 'app.js'), ...localePages.map((l) => l.file)].sort();
const lines = chunks.map((f, i) => `url${String(Math.max(...used) + 1 + i)}=/cgi/whm2fa/${f}`);
writeFileSync(join(out, 'plugin/whm2fa.conf'), `${conf.trimEnd()}\n${lines.join('\n')}\n`);

const gz = (file) => gzipSync(readFileSync(join(out, 'frontend', file)), { level: 9 }).length;
const pageBytes = [...first, 'app.css'].reduce((sum, f) => sum + gz(f), 0);
const laterBytes = later.reduce((sum, f) => sum + gz(f), 0);
const localeBytes = localePages.map((l) => [`${l.locale} ${l.name}`, gz(l.file)]);
const status =
  pageBytes <= PAGE_BUDGET_BYTES && localeBytes.every(([, b]) => b <= LOCALE_BUDGET_BYTES) ? 'PASS' : 'FAIL';
const apiBytes = statSync(join(out, 'plugin/api.js')).size;
console.log(
  `whm2fa ${version} built: page ${(pageBytes / 1024).toFixed(1)} KB gzip (budget 20 KB) ${status}, ${(laterBytes / 1024).toFixed(1)} KB more on demand; api.js ${(apiBytes / 1024).toFixed(0)} KB`,
);
if (localeBytes.length > 0)
  console.log(
    `  each other language's words, per file (budget 6 KB gzip): ${localeBytes.map(([l, b]) => `${l} ${(b / 1024).toFixed(1)} KB`).join(', ')}`,
  );
if (status === 'FAIL') process.exit(1);
