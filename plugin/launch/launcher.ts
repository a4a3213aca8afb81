/**
 * How the installed wrappers (api.cgi, index.cgi, the hook, the CLI) load a bundle: compiled
 * with V8's code cache when install.sh wrote one that matches the bundle, else compiled
 * as usual. A CGI is a fresh process per request, and compiling the bundles it runs was the
 * largest share of its start-up beyond Node's own (docs/decisions/code-cache.md).
 *
 * This file is built on its own and its text is written into every wrapper, so a request
 * loads no extra file to find it. It runs before any bundle and reads nothing from the
 * environment. A missing cache, one made from another bundle, or one V8 refuses (another
 * Node.js, other flags, cut short) only costs the compile. V8 does not check the bytes of
 * a cache whose header is right, so a cache is trusted as the bundle beside it is: written
 * by root, on disk before its rename, in a folder only root can write.
 */
import { readFileSync } from 'node:fs';
import { Script } from 'node:vm';

/** One bundle as the loader compiled it: its file, its build line and its script. */
export interface LoadedBundle {
  readonly file: string;
  /** The bundle's first line, `// whm2fa build <digest>`: what its cache must start with. */
  readonly buildLine: string;
  readonly script: Script;
  /** True when V8 took the code cache (false without one, or when it did not match). */
  readonly fromCache: boolean;
  readonly exports: unknown;
}

/** A loader for the bundles of one program folder; each bundle is loaded once. */
export interface BundleLoader {
  /** Loads `<dir>/<name>.js` (and, through its `require('./x.js')`, its siblings). */
  load(name: string): unknown;
  /** Every bundle loaded so far, in load order. */
  readonly loaded: readonly LoadedBundle[];
}

/** The first line of every built bundle starts with this, then the digest of the rest. */
export const BUILD_LINE_PREFIX = '// whm2fa build ';

/** Where a bundle's code cache lives: beside it. */
export function cacheFileOf(bundleFile: string): string {
  return `${bundleFile}.cache`;
}

/**
 * The V8 data of `cacheFile` when it was made from a bundle whose first line is
 * `buildLine`, else undefined. V8 checks only the source's length before using a cache, so
 * this line (a digest of the bundle) is what keeps an upgraded bundle from running the
 * code of the one it replaced.
 */
function cachedDataFor(cacheFile: string, buildLine: string): Buffer | undefined {
  if (!buildLine.startsWith(BUILD_LINE_PREFIX)) return undefined;
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const newline = data.indexOf(10);
  if (newline === -1 || data.toString('latin1', 0, newline) !== buildLine) return undefined;
  return data.subarray(newline + 1);
}

/**
 * A loader for the bundles in `dir`. Node's own modules come from `nodeRequire` (the
 * wrapper's `require`); `./name.js` is a sibling bundle, loaded through this loader.
 * `useCache: false` compiles without caches (what the cache writer needs).
 */
export function bundleLoader(dir: string, nodeRequire: (id: string) => unknown, useCache = true): BundleLoader {
  const loaded: LoadedBundle[] = [];
  const byName = new Map<string, LoadedBundle>();
  const load = (name: string): unknown => {
    const known = byName.get(name);
    if (known !== undefined) return known.exports;
    const file = `${dir}/${name}.js`;
    const source = readFileSync(file, 'utf8');
    const newline = source.indexOf('\n');
    const buildLine = newline === -1 ? '' : source.slice(0, newline);
    const cachedData = useCache ? cachedDataFor(cacheFileOf(file), buildLine) : undefined;
    // The same wrapper Node puts around a CommonJS file, so a bundle cannot tell the difference.
    const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
      filename: file,
      ...(cachedData === undefined ? {} : { cachedData }),
    });
    const module = { exports: {} as unknown };
    const bundle: LoadedBundle = {
      file,
      buildLine,
      script,
      fromCache: cachedData !== undefined && !script.cachedDataRejected,
      get exports() {
        return module.exports;
      },
    };
    byName.set(name, bundle);
    loaded.push(bundle);
    // The bundles require Node's own modules and their sibling files, nothing else: a
    // relative name would otherwise be looked up from the wrapper's folder.
    const require = (id: string): unknown => {
      if (!id.startsWith('.')) return nodeRequire(id);
      if (/^\.\/[\w.-]+\.js$/.test(id)) return load(id.slice(2, -3));
      throw new Error(`${file} requires ${id}, which is not a file beside it`);
    };
    const run = script.runInThisContext() as (...args: unknown[]) => void;
    try {
      run.call(module.exports, module.exports, require, module, file, dir);
    } catch (err) {
      // As Node does: a bundle that failed to load is not kept as loaded.
      byName.delete(name);
      loaded.splice(loaded.indexOf(bundle), 1);
      throw err;
    }
    return module.exports;
  };
  return { load, loaded };
}

/** What an installed wrapper runs: the bundle's `main(options)`, the bundle loaded with its cache. */
export function launch(dir: string, name: string, nodeRequire: (id: string) => unknown, options: object): void {
  const bundle = bundleLoader(dir, nodeRequire).load(name) as { main: (options: object) => void };
  bundle.main(options);
}
