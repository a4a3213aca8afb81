// A tiny HTTP client for the cpsrvd stand-in tests: keeps the session cookie, never
// follows redirects.
export class Client {
  cookie = '';
  constructor(readonly base: string) {}

  async request(
    path: string,
    init: { method?: string; body?: string; type?: string; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; text: string }> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookie !== '') headers['cookie'] = this.cookie;
    if (init.type !== undefined) headers['content-type'] = init.type;
    const res = await fetch(`${this.base}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body ?? null,
      redirect: 'manual',
    });
    const set = res.headers.get('set-cookie');
    if (set !== null && set.startsWith('whostmgrsession=')) this.cookie = set.split(';')[0] ?? '';
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  /** Logs in; returns the /cpsess token (or the page when a code is asked). */
  async login(
    user: string,
    pass = 'whm2fa-demo',
  ): Promise<{ token: string | undefined; status: number; text: string; tfaCookie: string | undefined }> {
    const res = await this.request('/login/', {
      method: 'POST',
      type: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({ user, pass }).toString(),
    });
    const location = res.headers.get('location') ?? '';
    const tfa = res.headers.get('set-cookie');
    return {
      token: /^\/cpsess\d{10}/.exec(location)?.[0],
      status: res.status,
      text: res.text,
      tfaCookie: tfa !== null && tfa.startsWith('whm2fa_sandbox_tfa=') ? tfa.split(';')[0] : undefined,
    };
  }
}
