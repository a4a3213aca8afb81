/** api.cgi: one JSON API request from cpsrvd to the response. */
import { Whm2faError } from '../errors';
import { setRequestLocale, t } from '../messages';
import { requestLocale } from '../userLocale';
import { cgiRequest, logError, readStdin, respond, type CgiOptions } from '../cgi';
import { serverPaths } from '../paths';
import { checkApiRequest, errorResponse, runApiRequest, type ApiOutcome, type CheckedRequest } from './handler';

function finish(outcome: ApiOutcome): void {
  if (outcome.logged !== undefined) logError('api', outcome.logged);
  respond(outcome.response);
}

/** api.cgi: reads one request from the environment and stdin, runs it, prints the response. */
export async function serveApi(options: CgiOptions): Promise<void> {
  const paths = serverPaths(options.root);
  const request = cgiRequest();
  // Every message of this request is in the caller's language (userLocale.ts); codes never change.
  setRequestLocale(paths.localesDir, requestLocale(paths, request.remoteUser, request.cookie));
  let checked: CheckedRequest;
  try {
    checked = checkApiRequest(paths, request);
  } catch (err) {
    finish(errorResponse(err));
    return;
  }
  let body: Buffer;
  try {
    body = readStdin(checked.bytes);
  } catch {
    finish(errorResponse(new Whm2faError('BAD_REQUEST', t('request.incomplete'))));
    return;
  }
  finish(await runApiRequest(paths, { ...request, caller: checked.caller }, body, Date.now() / 1000));
}
