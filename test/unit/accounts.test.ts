// cPanel's account files read in-process from a temporary tree: resellers and their ACLs,
// owners, domains (main, addon, subdomains), contact addresses, themes, start dates.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  accountExists,
  accountStart,
  accountTheme,
  contactEmail,
  domainOwners,
  domainsOf,
  eachDomain,
  hasCpanelAccount,
  isValidUsername,
  readDomains,
  readDomainsOf,
  readOwners,
  readResellers,
} from '../../plugin/src/accounts';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';

let root: string;
let paths: ServerPaths;

function put(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}
const usersFile = (user: string, text: string): void => put(join(paths.cpanelUsersDir, user), text);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-accounts-'));
  paths = serverPaths(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('isValidUsername', () => {
  it("follows cPanel's rule for user names", () => {
    for (const good of ['root', 'bob', 'a', '0day', 'a_b.c-d', 'a'.repeat(32)])
      expect(isValidUsername(good), good).toBe(true);
    for (const bad of ['', '.', '..', 'a..b', '_a', '-a', 'Bob', 'a b', 'a/b', 'a'.repeat(33), 'é', 'a\n'])
      expect(isValidUsername(bad), JSON.stringify(bad)).toBe(false);
  });
});

describe('readResellers', () => {
  it('reads user:acls lines, spaces removed, comments and bad names skipped', () => {
    put(
      paths.resellers,
      [
        'res1:list-accts,create-acct',
        ' res2 : kill-acct , ,edit-account\r',
        '# res3:all',
        '',
        'res4',
        'res5:',
        'Bad:all',
        '-x:all',
      ].join('\n'),
    );
    const resellers = readResellers(paths);
    expect([...resellers.keys()]).toEqual(['res1', 'res2', 'res4', 'res5']);
    expect([...(resellers.get('res1') ?? [])]).toEqual(['list-accts', 'create-acct']);
    expect([...(resellers.get('res2') ?? [])]).toEqual(['kill-acct', 'edit-account']);
    expect(resellers.get('res4')?.size).toBe(0);
    expect(resellers.get('res5')?.size).toBe(0);
  });

  it('is empty without the file', () => {
    expect(readResellers(paths).size).toBe(0);
  });
});

describe('owners and domains', () => {
  beforeEach(() => {
    put(
      paths.trueUserOwners,
      [
        'bob: res1',
        '#old: root',
        'carol:root  ',
        'BadName: root',
        'nobodyhere:',
        ': root',
        'noline',
        'dave: res1',
      ].join('\n'),
    );
    put(
      paths.trueUserDomains,
      [
        'bob.example: bob',
        'second.example: bob',
        '# x.example: carol',
        'carol.example :carol',
        'odd.example:',
        '',
      ].join('\n'),
    );
  });

  it('reads account → owner for valid names only', () => {
    expect([...readOwners(paths)]).toEqual([
      ['bob', 'res1'],
      ['carol', 'root'],
      ['dave', 'res1'],
    ]);
    // With an owner named, only that owner's accounts.
    expect([...readOwners(paths, 'res1')]).toEqual([
      ['bob', 'res1'],
      ['dave', 'res1'],
    ]);
    expect([...readOwners(paths, 'nobody')]).toEqual([]);
  });

  it('reads account → first domain', () => {
    expect([...readDomains(paths)]).toEqual([
      ['bob', 'bob.example'],
      ['carol', 'carol.example'],
    ]);
    const seen: string[] = [];
    eachDomain(paths, (domain, user) => seen.push(`${domain}>${user}`));
    expect(seen).toEqual(['bob.example>bob', 'second.example>bob', 'carol.example>carol']);
    // The same first domains for the accounts asked about only; invalid names never match.
    expect([...readDomainsOf(paths, ['carol', 'bob', 'nobody', 'Bad'])]).toEqual([
      ['bob', 'bob.example'],
      ['carol', 'carol.example'],
    ]);
    expect(readDomainsOf(paths, ['Bad']).size).toBe(0);
  });

  it('reads nothing from missing files', () => {
    rmSync(paths.trueUserOwners);
    rmSync(paths.trueUserDomains);
    expect(readOwners(paths).size).toBe(0);
    expect(readDomains(paths).size).toBe(0);
  });
});

describe('hasCpanelAccount and accountExists', () => {
  it('is a non-empty users file for a valid name', () => {
    usersFile('bob', 'USER=bob\n');
    usersFile('empty', '');
    usersFile('Bad', 'USER=Bad\n');
    expect(hasCpanelAccount(paths, 'bob')).toBe(true);
    expect(hasCpanelAccount(paths, 'empty')).toBe(false);
    expect(hasCpanelAccount(paths, 'Bad')).toBe(false);
    expect(hasCpanelAccount(paths, 'carol')).toBe(false);
    expect(hasCpanelAccount(paths, '../users/bob')).toBe(false);
  });

  it('knows root, cPanel accounts and resellers', () => {
    usersFile('bob', 'USER=bob\n');
    put(paths.resellers, 'res1:all\n');
    expect(accountExists(paths, 'root')).toBe(true);
    expect(accountExists(paths, 'bob')).toBe(true);
    expect(accountExists(paths, 'res1')).toBe(true);
    expect(accountExists(paths, 'carol')).toBe(false);
  });
});

describe('contactEmail', () => {
  it("reads an account's CONTACTEMAIL= line", () => {
    usersFile('bob', 'USER=bob\nCONTACTEMAIL=bob@example.com  \nDNS=bob.example\n');
    expect(contactEmail(paths, 'bob')).toBe('bob@example.com');
  });

  it("reads root's from wwwacct.conf", () => {
    put(paths.wwwacctConf, 'ADDR 10.0.0.1\nCONTACTEMAIL admin@example.com\nHOST h\n');
    expect(contactEmail(paths, 'root')).toBe('admin@example.com');
  });

  it('skips an empty or malformed address', () => {
    usersFile('bob', 'CONTACTEMAIL=\n');
    expect(contactEmail(paths, 'bob')).toBeUndefined();
    for (const address of ['no-at', 'a@b@c', 'a b@c', 'a@b,c', '<a@b>', '@b', 'a@']) {
      usersFile('bob', `CONTACTEMAIL=${address}\n`);
      expect(contactEmail(paths, 'bob'), address).toBeUndefined();
    }
    usersFile('bob', 'CONTACTEMAIL=bad\nCONTACTEMAIL=good@example.com\n');
    expect(contactEmail(paths, 'bob')).toBe('good@example.com');
    usersFile('bob', 'CONTACTEMAIL=a@example.com b@example.com\n');
    expect(contactEmail(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'XCONTACTEMAIL=x@example.com\nCONTACTEMAIL2=y@example.com\n');
    expect(contactEmail(paths, 'bob')).toBeUndefined();
    expect(contactEmail(paths, 'nobody')).toBeUndefined();
  });
});

describe('accountTheme', () => {
  it('reads RS=', () => {
    usersFile('bob', 'USER=bob\nRS=jupiter\nDNS=bob.example\n');
    expect(accountTheme(paths, 'bob')).toBe('jupiter');
    usersFile('bob', 'USER=bob\nRS=x_y-1  \n');
    expect(accountTheme(paths, 'bob')).toBe('x_y-1');
  });

  it('is undefined without one, a safe one or a valid name', () => {
    usersFile('bob', 'USER=bob\n');
    expect(accountTheme(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'RS=../x\n');
    expect(accountTheme(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'RS=jupiter x\n');
    expect(accountTheme(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'XRS=jupiter\n');
    expect(accountTheme(paths, 'bob')).toBeUndefined();
    expect(accountTheme(paths, '..')).toBeUndefined();
  });
});

describe('accountStart', () => {
  it('reads STARTDATE=, not all zeros', () => {
    usersFile('bob', 'USER=bob\nSTARTDATE=1700000000\n');
    expect(accountStart(paths, 'bob')).toBe('1700000000');
    usersFile('bob', 'STARTDATE=0000000000\n');
    expect(accountStart(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'STARTDATE=0\n');
    expect(accountStart(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'STARTDATE=1007 \n');
    expect(accountStart(paths, 'bob')).toBe('1007');
    usersFile('bob', 'STARTDATE=\nXSTARTDATE=5\nSTARTDATE=12a\n');
    expect(accountStart(paths, 'bob')).toBeUndefined();
    usersFile('bob', 'USER=bob\nSTARTDATE=1700000001');
    expect(accountStart(paths, 'bob')).toBe('1700000001');
    usersFile('bob', 'STARTDATE=0123\n');
    expect(accountStart(paths, 'bob')).toBe('0123');
    usersFile('Bad', 'STARTDATE=1700000000\n');
    expect(accountStart(paths, 'Bad')).toBeUndefined();
  });
});

describe('domainOwners and domainsOf', () => {
  beforeEach(() => {
    put(
      paths.userDomains,
      [
        'Bob.Example: bob',
        'blog.bob.example: bob',
        'carol.example: carol',
        '*: nobody',
        'spare.example: nobody',
        'bad.example: Bad',
        '# c.example: carol',
        '*: carol',
      ].join('\n'),
    );
    usersFile(
      'bob',
      'USER=bob\nDNS=bob.example\nDNS1= Addon.Example \nDNS2=\nXDNS=x.example\n  DNS3=Spaced.example  \n',
    );
    usersFile('Bad', 'USER=Bad\nDNS=bad-file.example\n');
  });

  it('maps each listed domain, lower-cased, to its account', () => {
    expect([...domainOwners(paths)]).toEqual([
      ['bob.example', 'bob'],
      ['blog.bob.example', 'bob'],
      ['carol.example', 'carol'],
    ]);
  });

  it("gives an account's domains from its users file and the map", () => {
    expect(domainsOf(paths, 'bob').sort()).toEqual([
      'addon.example',
      'blog.bob.example',
      'bob.example',
      'spaced.example',
    ]);
    expect(domainsOf(paths, 'carol')).toEqual(['carol.example']);
    expect(domainsOf(paths, 'bob', new Map()).sort()).toEqual(['addon.example', 'bob.example', 'spaced.example']);
    expect(domainsOf(paths, 'Bad', new Map([['bad.example', 'Bad']]))).toEqual(['bad.example']);
    expect(domainsOf(paths, 'dave')).toEqual([]);
  });
});
