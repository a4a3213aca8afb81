// Types of scripts/ensure.mjs for the tests that import it.
/** The repository's top folder. */
export const TOP: string;
/** Where Debian's Chromium package puts the browser the browser tests drive. */
export const CHROMIUM: string;
/** The file in node_modules that records the hash of the lock file last installed. */
export const STAMP: string;
/** Whether `top/node_modules` matches `top/package-lock.json`, and why not. */
export function dependencyState(top?: string): {
  current: boolean;
  reason?: string;
  hash?: string;
  stampMissing?: boolean;
};
/** Runs `install` (npm ci) only when node_modules is missing or stale; true when it did. */
export function ensureDependencies(options?: { top?: string; install?: () => void }): boolean;
/** Installs Debian's Chromium for the browser tests when it is missing. */
export function ensureChromium(): void;
/** Installs Debian's rpm package when rpmbuild is missing; undefined when rpmbuild runs, else why not. */
export function ensureRpmbuild(): string | undefined;
/** Prints a step's label and runs it, stopping the script if it fails. */
export function runStep(label: string, command: string, args: readonly string[], options?: object): void;
