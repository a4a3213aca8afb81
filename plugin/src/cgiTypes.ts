/** A CGI request as cpsrvd describes it (docs/cpanel.md, "How cpsrvd runs a CGI"), already taken from the environment. */
export interface CgiRequest {
  readonly method: string | undefined;
  readonly contentType: string | undefined;
  readonly contentLength: string | undefined;
  readonly remoteUser: string | undefined;
  readonly securityToken: string | undefined;
  readonly requestUri: string | undefined;
  readonly remoteAddr: string | undefined;
  /** The browser's `Cookie:` header (`HTTP_COOKIE`): only its `session_locale` is read (userLocale.ts). */
  readonly cookie?: string | undefined;
}

/** A response before it is printed: status, headers and body. */
export interface CgiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}
