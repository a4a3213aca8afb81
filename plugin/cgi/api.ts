/** api.cgi's bundle: the installed wrapper calls `main` with the recorded server root. */
import { serveApi } from '../src/api/serve';
import type { CgiOptions } from '../src/cgi';

/** Serves one API request and exits (0, or 1 if even the error answer could not be written). */
export function main(options: CgiOptions): void {
  serveApi(options).then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
