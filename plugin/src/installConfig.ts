/**
 * What install.sh recorded in install.json beside the program files: the version, the
 * Node.js it chose, the server root, and how long cPanel's tools may take before whm2fa
 * stops waiting (`toolTimeoutSeconds`, set with `install.sh --tool-timeout`).
 */
import { readFileSync } from 'node:fs';
import type { ServerPaths } from './paths';

/** A tool that has not answered by then is killed (whm2fa must never hang WHM). */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = 20;

/** How long a cPanel tool may run, in milliseconds; the default when not configured. */
export function toolTimeoutMs(paths: ServerPaths): number {
  try {
    const value: unknown = JSON.parse(readFileSync(paths.installConfig, 'utf8'));
    const seconds = (value as { toolTimeoutSeconds?: unknown } | null)?.toolTimeoutSeconds;
    if (typeof seconds === 'number' && Number.isInteger(seconds) && seconds >= 1 && seconds <= 600) {
      return seconds * 1000;
    }
  } catch {
    // Not installed by install.sh (a test tree, say): the default.
  }
  return DEFAULT_TOOL_TIMEOUT_SECONDS * 1000;
}
