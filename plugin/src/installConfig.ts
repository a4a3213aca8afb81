/**
 * How long cPanel's tools may take before whm2fa stops waiting: `tool_timeout` in the
 * settings file (settingsFile.ts; install.sh --tool-timeout sets it there).
 */
import { DEFAULT_SETTINGS, ownSettingsOrDefaults } from './settingsFile';
import type { ServerPaths } from './paths';

/** A tool that has not answered by then is killed (whm2fa must never hang WHM). */
export const DEFAULT_TOOL_TIMEOUT_SECONDS = DEFAULT_SETTINGS.toolTimeoutSeconds;

/** How long a cPanel tool may run, in milliseconds; the default when not configured or the file is damaged. */
export function toolTimeoutMs(paths: ServerPaths): number {
  return ownSettingsOrDefaults(paths).toolTimeoutSeconds * 1000;
}
