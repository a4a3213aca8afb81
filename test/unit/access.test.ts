// Who may do what (plugin/src/access.ts), in-process over a small tree of cPanel's files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertCanManage,
  auditVisibility,
  identifyCaller,
  manageableAccounts,
  type Caller,
} from '../../plugin/src/access';
import { Whm2faError } from '../../plugin/src/errors';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

let root: string;
let paths: ServerPaths;

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-access-'));
  paths = serverPaths(root);
  write(
    paths.resellers,
    '# resellers\nr1:list-accts, create-acct\nr2:\nboss:all\nlonely:list-accts\nBad!:all\nroot:all\n',
  );
  write(
    paths.trueUserOwners,
    [
      'root: root',
      'r1: root',
      'r2: r2',
      'boss: root',
      'shop1: r1',
      '# comment: r1',
      'blog2 : r2',
      'moved: r1',
      'moved: r2',
      'Bad!: r1',
      'nodomain: r1',
      '',
    ].join('\n'),
  );
  write(
    paths.trueUserDomains,
    ['shop1.example.com: shop1', 'second.example.com: shop1', 'blog2.example.com: blog2', 'r1.example: r1', ''].join(
      '\n',
    ),
  );
  write(paths.tfaUserdata, JSON.stringify({ shop1: { secret: 'JBSWY3DPEHPK3PXP' }, r1: { secret: '' }, r2: {} }));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const ROOT: Caller = { user: 'root', isRoot: true, isReseller: false };
const R1: Caller = { user: 'r1', isRoot: false, isReseller: true };
const BOSS: Caller = { user: 'boss', isRoot: true, isReseller: true };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Whm2faError);
    return `${(err as Whm2faError).code}: ${(err as Error).message}`;
  }
  throw new Error('expected a refusal');
}

describe('identifyCaller', () => {
  it('knows root, root-level resellers (the all ACL) and other resellers', () => {
    expect(identifyCaller(paths, 'root')).toEqual(ROOT);
    expect(identifyCaller(paths, 'boss')).toEqual(BOSS);
    expect(identifyCaller(paths, 'r1')).toEqual(R1);
    expect(identifyCaller(paths, 'r2')).toEqual({ user: 'r2', isRoot: false, isReseller: true });
  });

  it('refuses no user, a malformed name, and anyone not in the resellers file', () => {
    expect(refusal(() => identifyCaller(paths, undefined))).toBe('FORBIDDEN: You are not logged in to WHM.');
    expect(refusal(() => identifyCaller(paths, ''))).toBe('FORBIDDEN: You are not logged in to WHM.');
    expect(refusal(() => identifyCaller(paths, 'Bad!'))).toBe('FORBIDDEN: This WHM user name is not valid.');
    expect(refusal(() => identifyCaller(paths, 'shop1'))).toBe(
      'FORBIDDEN: Only root and resellers can use Two-Factor Authentication in WHM.',
    );
  });
});

describe('manageableAccounts', () => {
  it('root sees every account but root, sorted, with the first domain, owner and 2FA state', () => {
    expect(manageableAccounts(paths, ROOT)).toEqual([
      { user: 'blog2', domain: 'blog2.example.com', owner: 'r2', enabled: false, lastReminded: null },
      { user: 'boss', domain: '', owner: 'root', enabled: false, lastReminded: null },
      // A reseller without a line in trueuserowners is owned by root.
      { user: 'lonely', domain: '', owner: 'root', enabled: false, lastReminded: null },
      // The later line for an account replaces the earlier one.
      { user: 'moved', domain: '', owner: 'r2', enabled: false, lastReminded: null },
      { user: 'nodomain', domain: '', owner: 'r1', enabled: false, lastReminded: null },
      { user: 'r1', domain: 'r1.example', owner: 'root', enabled: false, lastReminded: null },
      { user: 'r2', domain: '', owner: 'r2', enabled: false, lastReminded: null },
      { user: 'shop1', domain: 'shop1.example.com', owner: 'r1', enabled: true, lastReminded: null },
    ]);
  });

  it('a root-level reseller sees everything but itself and root (even if root is in the resellers file)', () => {
    const users = manageableAccounts(paths, BOSS).map((a) => a.user);
    expect(users).toEqual(['blog2', 'lonely', 'moved', 'nodomain', 'r1', 'r2', 'shop1']);
  });

  it('a reseller sees only the accounts it owns, never itself', () => {
    expect(manageableAccounts(paths, R1)).toEqual([
      { user: 'nodomain', domain: '', owner: 'r1', enabled: false, lastReminded: null },
      { user: 'shop1', domain: 'shop1.example.com', owner: 'r1', enabled: true, lastReminded: null },
    ]);
    // r2 owns itself in trueuserowners, and still does not list itself.
    expect(manageableAccounts(paths, { user: 'r2', isRoot: false, isReseller: true }).map((a) => a.user)).toEqual([
      'blog2',
      'moved',
    ]);
  });

  it('reads missing files as no accounts', () => {
    rmSync(join(root, 'etc'), { recursive: true });
    expect(manageableAccounts(paths, R1)).toEqual([]);
    expect(manageableAccounts(paths, ROOT).map((a) => a.user)).toEqual(['boss', 'lonely', 'r1', 'r2']);
  });
});

describe('assertCanManage', () => {
  it('lets a reseller act on the accounts it owns only', () => {
    expect(() => assertCanManage(paths, R1, ['shop1', 'nodomain'])).not.toThrow();
    expect(refusal(() => assertCanManage(paths, R1, ['shop1', 'blog2']))).toBe(
      'FORBIDDEN: You cannot manage the account "blog2".',
    );
    expect(refusal(() => assertCanManage(paths, R1, ['moved']))).toBe(
      'FORBIDDEN: You cannot manage the account "moved".',
    );
  });

  it('sends the caller to "Manage My Account" for itself, unless allowSelf', () => {
    expect(refusal(() => assertCanManage(paths, R1, ['r1']))).toBe(
      'FORBIDDEN: Change your own two-factor authentication in "Manage my Account"; it asks for your current code.',
    );
    expect(() => assertCanManage(paths, R1, ['r1'], { allowSelf: true })).not.toThrow();
    expect(() => assertCanManage(paths, ROOT, ['root'], { allowSelf: true })).not.toThrow();
  });

  it('lets root act on any account but root itself', () => {
    expect(() => assertCanManage(paths, ROOT, ['blog2', 'r1', 'lonely'])).not.toThrow();
    expect(refusal(() => assertCanManage(paths, ROOT, ['root']))).toMatch(/^FORBIDDEN: Change your own/);
    expect(refusal(() => assertCanManage(paths, BOSS, ['root']))).toBe(
      'FORBIDDEN: You cannot manage the account "root".',
    );
    expect(refusal(() => assertCanManage(paths, ROOT, ['ghost']))).toBe(
      'FORBIDDEN: You cannot manage the account "ghost".',
    );
  });
});

describe('auditVisibility', () => {
  it('root-level callers see every entry', () => {
    const visible = auditVisibility(paths, BOSS);
    expect(visible({ actor: 'x', subject: 'anyone', action: 'enable' })).toBe(true);
  });

  it('a reseller sees entries about itself and the accounts it owns, whoever acted', () => {
    const visible = auditVisibility(paths, R1);
    expect(visible({ actor: 'root', subject: 'r1', action: 'enable' })).toBe(true);
    expect(visible({ actor: 'root', subject: 'shop1', action: 'admin.remove' })).toBe(true);
    expect(visible({ actor: 'r1', subject: 'blog2', action: 'enable' })).toBe(false);
    expect(visible({ actor: 'r1', subject: 'root', action: 'enable' })).toBe(false);
  });

  it('never shows a reseller root’s entries, even ones recorded with it as the owner', () => {
    const visible = auditVisibility(paths, R1);
    expect(visible({ actor: 'r1', subject: 'root', owner: 'r1', action: 'enable' })).toBe(false);
  });

  it('ends a name’s history at its creation or rename, not at any other entry', () => {
    const visible = auditVisibility(paths, R1);
    // Newest first: a change to shop1 (owned by r1) does not end its history...
    expect(visible({ actor: 'root', subject: 'shop1', action: 'admin.remove' })).toBe(true);
    expect(visible({ actor: 'shop1', subject: 'shop1', action: 'enable' })).toBe(true);
    // ...its creation does: what came before belonged to an earlier account of that name.
    expect(visible({ actor: 'WHM', subject: 'shop1', action: 'account.create' })).toBe(true);
    expect(visible({ actor: 'shop1', subject: 'shop1', action: 'enable' })).toBe(false);
    expect(visible({ actor: 'shop1', subject: 'shop1', owner: 'r1', action: 'enable' })).toBe(true);
  });
});
