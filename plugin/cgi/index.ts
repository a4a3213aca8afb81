/** index.cgi's bundle: the installed wrapper calls `main` with the recorded server root. */
import { servePageRequest } from '../src/page';
import type { CgiOptions } from '../src/cgi';

/** Serves one page request. */
export function main(options: CgiOptions): void {
  servePageRequest(options);
}
