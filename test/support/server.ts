// A temporary cPanel server tree with the fake tools and whm2fa installed by the real
// install.sh, and a way to call its CGI exactly as cpsrvd does.
import { spawn, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  existsSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
// @ts-expect-error: plain JavaScript module of the local WHM
import { createServerTree } from '../../scripts/fake-cpanel/tree.mjs';

export const TOP = join(__dirname, '..', '..');
export const TOKEN = '/cpsess1234567890';
/**
 * cPanel's default issuer in a test tree (docs/cpanel.md, "Issuers"): the tree has no hosts
 * file and no kernel hostname file, so the rule comes down to the node name, lower-cased.
 */
export const HOST = hostname().toLowerCase();

export interface TreeOptions {
  secrets?: Record<string, string>;
  policy?: boolean;
  resellers?: Record<string, string[]>;
  accounts?: Array<{ user: string; owner: string; domain?: string; email?: string; locale?: string; lang?: string }>;
  extraAccounts?: Array<{ user: string; owner: string; domain?: string; email?: string }>;
  /** `locale` in root's ~/.cpanel_config. */
  rootLocale?: string;
  /** /var/cpanel/server_locale. */
  serverLocale?: string;
  issuers?: Record<string, string>;
  /** cPanel's version file (default 11.122.0.22). */
  version?: string;
  /** Email and team-user entries of cPanel's store (default: the sandbox's few). */
  otherEntries?: Record<string, string>;
  /** Extra install.sh options, e.g. a short --tool-timeout for fault tests. */
  installArgs?: string[];
}

export interface Server {
  readonly root: string;
  readonly cgiDir: string;
  cleanup(): void;
}

/**
 * A tree with cPanel's files and the fake tools, whm2fa not installed: for in-process
 * tests that call plugin/src against it. `cleanup` removes it.
 */
export function makeTree(options: TreeOptions = {}): Server {
  const root = mkdtempSync(join(tmpdir(), 'whm2fa-'));
  (createServerTree as (root: string, options: TreeOptions) => void)(root, options);
  return {
    root,
    cgiDir: join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/**
 * Makes the fake cPanel tools fail the calls named (`"TOOL:FUNCTION": "exit" | …`, as
 * scripts/fake-cpanel/lib.mjs reads them); the other calls go on working.
 */
export function setFaults(server: Server, faults: Record<string, unknown>): void {
  mkdirSync(join(server.root, 'var/fake-cpanel'), { recursive: true });
  writeFileSync(join(server.root, 'var/fake-cpanel/faults.json'), JSON.stringify(faults));
}

/** Builds a tree and installs whm2fa into it (dist/ must be built: npm test does). */
export function makeServer(options: TreeOptions = {}): Server {
  const { root } = makeTree(options);
  const install = spawnSync(
    'bash',
    [join(TOP, 'install.sh'), '--root', root, '--node', process.execPath, '--yes', ...(options.installArgs ?? [])],
    { encoding: 'utf8' },
  );
  if (install.status !== 0) throw new Error(`install.sh failed: ${install.stdout}${install.stderr}`);
  return {
    root,
    cgiDir: join(root, 'usr/local/cpanel/whostmgr/docroot/cgi/whm2fa'),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface CgiCall {
  user?: string | undefined;
  method?: string;
  contentType?: string | undefined;
  contentLength?: string | undefined;
  body?: string | Buffer;
  token?: string | undefined;
  requestUri?: string | undefined;
  script?: string;
  remoteAddr?: string;
  extraEnv?: Record<string, string>;
}

export interface CgiResult {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly stderr: string;
  readonly exitCode: number | null;
  json(): {
    ok: boolean;
    data?: Record<string, unknown>;
    error?: { code: string; message: string; lockedUntil?: string };
  };
}

/** cpsrvd's environment for a CGI request (docs/cpanel.md, "How cpsrvd runs a CGI"). */
export function cgiEnv(call: CgiCall): Record<string, string> {
  const script = call.script ?? 'api.cgi';
  const body = call.body ?? '';
  const env: Record<string, string> = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    REQUEST_METHOD: call.method ?? 'POST',
    HTTPS: 'on',
    REMOTE_ADDR: call.remoteAddr ?? '203.0.113.7',
    REMOTE_PORT: '51000',
    SERVER_PORT: '2087',
    HTTP_HOST: 'whm.sandbox.test:2087',
    HTTP_COOKIE: 'whostmgrsession=abc',
    HTTP_USER_AGENT: 'vitest',
    SCRIPT_NAME: `/cgi/whm2fa/${script}`,
    QUERY_STRING: '',
    ...call.extraEnv,
  };
  const token = 'token' in call ? call.token : TOKEN;
  if (token !== undefined) env['cp_security_token'] = token;
  const uri = 'requestUri' in call ? call.requestUri : `${token ?? ''}/cgi/whm2fa/${script}`;
  if (uri !== undefined) env['REQUEST_URI'] = uri;
  const user = 'user' in call ? call.user : 'root';
  if (user !== undefined) env['REMOTE_USER'] = user;
  const type = 'contentType' in call ? call.contentType : 'application/json';
  if (type !== undefined && (call.method ?? 'POST') === 'POST') env['CONTENT_TYPE'] = type;
  const length = 'contentLength' in call ? call.contentLength : String(Buffer.byteLength(body));
  if (length !== undefined && (call.method ?? 'POST') === 'POST') env['CONTENT_LENGTH'] = length;
  return env;
}

export function parseCgiOutput(stdout: string, stderr: string, exitCode: number | null): CgiResult {
  const split = stdout.search(/\r?\n\r?\n/);
  const head = split === -1 ? stdout : stdout.slice(0, split);
  const body = split === -1 ? '' : stdout.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number((headers['status'] ?? '200').split(' ')[0]);
  return {
    status,
    headers,
    body,
    stderr,
    exitCode,
    json() {
      return JSON.parse(body) as ReturnType<CgiResult['json']>;
    },
  };
}

/** Runs a CGI of the installed plugin as cpsrvd would, asynchronously. */
export function callCgi(server: Server, call: CgiCall): Promise<CgiResult> {
  const script = join(server.cgiDir, call.script ?? 'api.cgi');
  return new Promise((resolve, reject) => {
    const child = spawn(script, [], { env: cgiEnv(call), cwd: server.root });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve(parseCgiOutput(Buffer.concat(out).toString('utf8'), Buffer.concat(err).toString('utf8'), code)),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(call.body ?? '');
  });
}

/** A JSON API call. */
export function api(
  server: Server,
  user: string,
  body: Record<string, unknown>,
  extra: Partial<CgiCall> = {},
): Promise<CgiResult> {
  return callCgi(server, { user, body: JSON.stringify(body), ...extra });
}

export function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** Runs one of the tree's cPanel tools (whmapi1, uapi, manage_hooks) as root. */
export function cpanelTool(
  server: Server,
  tool: string,
  args: readonly string[],
  input = '',
): { status: number | null; out: string; err: string; json: () => Record<string, unknown> } {
  const r = spawnSync(join(server.root, 'usr/local/cpanel/bin', tool), args, { input, encoding: 'utf8' });
  return {
    status: r.status,
    out: r.stdout,
    err: r.stderr,
    json: () => JSON.parse(r.stdout) as Record<string, unknown>,
  };
}

/**
 * Puts `script` in place of one of the tree's tools and returns a function that puts the
 * original back. Written beside it and renamed, so no process ever runs a half-written
 * file (and a concurrent fork cannot make it ETXTBSY).
 */
export function replaceTool(server: Server, tool: string, script: string): () => void {
  const file =
    tool === 'sendmail' ? join(server.root, 'usr/sbin/sendmail') : join(server.root, 'usr/local/cpanel/bin', tool);
  const original = readFileSync(file);
  const put = (content: string | Buffer): void => {
    const tmp = `${file}.${String(process.pid)}.swap`;
    writeFileSync(tmp, content, { mode: 0o755 });
    renameSync(tmp, file);
  };
  put(script);
  return () => put(original);
}

/** Runs the installed `whm2fa` command as root. */
export function whm2fa(server: Server, ...args: string[]): { status: number | null; out: string; err: string } {
  // Room for a long `whm2fa audit` (Node's default stops at 1 MiB and kills the child).
  const r = spawnSync(join(server.root, 'usr/local/sbin/whm2fa'), args, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

export function cpanelSecrets(server: Server): Record<string, { secret: string }> {
  return readJson(join(server.root, 'var/cpanel/authn/twofactor_auth/tfa_userdata.json')) as Record<
    string,
    { secret: string }
  >;
}

export function auditLines(server: Server): Array<Record<string, string>> {
  const file = join(server.root, 'var/cpanel/whm2fa/audit.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, string>);
}

export function mails(server: Server): string[] {
  const dir = join(server.root, 'var/mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** Every file under the tree with its size, mode and mtime: to prove nothing changed. */
export function snapshot(root: string): Map<string, string> {
  const seen = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const file = join(dir, name);
      const st = statSync(file);
      if (st.isDirectory()) walk(file);
      else
        seen.set(
          relative(root, file),
          `${String(st.size)}:${st.mode.toString(8)}:${String(st.mtimeMs)}:${readFileSync(file).toString('base64')}`,
        );
    }
  };
  walk(root);
  return seen;
}
