// The reminders' own file and text (plugin/src/reminders.ts) in-process: entries taken
// only when well formed, the damaged file named in its error, names kept in order and
// only while their account exists, a rename carried over; the reminder's layout.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastReminders, readReminders, reminderText, renameReminderLocked } from '../../plugin/src/reminders';
import { serverPaths, type ServerPaths } from '../../plugin/src/paths';
import { writeAccounts } from '../support/fakeBridge';

let root: string;
let paths: ServerPaths;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'whm2fa-remfile-'));
  paths = serverPaths(root);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  writeAccounts(paths, { bob: {}, carol: {}, dave: {} });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (value: unknown): void => writeFileSync(paths.remindersFile, JSON.stringify(value));

describe('readReminders', () => {
  it('takes valid names with times a date can hold', () => {
    write({ reminded: { bob: 0, carol: 253_402_300_799, Bad: 5, dave: -1, erin: 253_402_300_800, frank: '5' } });
    expect([...readReminders(paths)]).toEqual([
      ['bob', 0],
      ['carol', 253_402_300_799],
    ]);
  });

  it('names the damaged file, and shows no reminder for it', () => {
    for (const value of [null, [], {}, { reminded: null }, { reminded: [] }, { reminded: 'x' }]) {
      write(value);
      expect(() => readReminders(paths), JSON.stringify(value)).toThrow(
        `${paths.remindersFile} does not hold whm2fa's reminders (left untouched)`,
      );
      expect(lastReminders(paths).size).toBe(0);
    }
  });
});

describe('renameReminderLocked', () => {
  it('moves a record to the new name, keeps names in order and only existing accounts', () => {
    write({ reminded: { dave: 3, gone: 4, bob: 1 } });
    renameReminderLocked(paths, 'bob', 'carol');
    const text = readFileSync(paths.remindersFile, 'utf8');
    expect(Object.keys((JSON.parse(text) as { reminded: object }).reminded)).toEqual(['carol', 'dave']);
    expect([...readReminders(paths)]).toEqual([
      ['carol', 1],
      ['dave', 3],
    ]);
  });

  it('drops a record when the name goes, and leaves the file alone when there is none', () => {
    write({ reminded: { bob: 1, dave: 3 } });
    renameReminderLocked(paths, 'bob', undefined);
    expect([...readReminders(paths)]).toEqual([['dave', 3]]);
    writeFileSync(paths.remindersFile, '{ "reminded": { "dave": 3, "gone": 9 } }');
    renameReminderLocked(paths, 'nobody', 'carol');
    expect(readFileSync(paths.remindersFile, 'utf8')).toBe('{ "reminded": { "dave": 3, "gone": 9 } }');
  });
});

describe('reminderText', () => {
  it('lays the reminder out: greeting, why, steps, facts, warning, signature', () => {
    const { subject, body } = reminderText({
      user: 'bob',
      actor: 'res1',
      host: 'host.example',
      theme: 'jupiter',
      isReseller: true,
    });
    expect(subject).toBe('Please turn on two-factor authentication (bob on host.example)');
    const lines = body.split('\n');
    expect(lines[0]).toBe('Hello bob,');
    expect(lines[1]).toBe('');
    expect(lines[2]?.length).toBeGreaterThan(40);
    expect(lines[3]).toBe('');
    expect(lines[4]?.length).toBeGreaterThan(5);
    expect(lines[5]).toBe('');
    expect(lines[6]).toBe('  1. Log in to cPanel: https://host.example:2083/');
    expect(lines[7]?.startsWith('  2. ')).toBe(true);
    expect(lines[8]).toMatch(/^ {5}\(.*https:\/\/host\.example:2083\/\S+/);
    expect(lines[9]?.startsWith('  3. ')).toBe(true);
    expect(lines[10]?.startsWith('     ')).toBe(true);
    expect(lines[10]?.trim().length).toBeGreaterThan(5);
    expect(lines[11]).toBe('');
    expect(lines[12]?.length).toBeGreaterThan(20);
    expect(lines.slice(13, 18)).toEqual(['', 'Account:  bob', 'Server:   host.example', 'Sent by:  res1', '']);
    expect(lines[18]?.length).toBeGreaterThan(40);
    expect(lines[19]).toBe('');
    expect(lines[20]).toBe('-- Two-Factor Authentication on host.example');
    expect(lines).toHaveLength(21);
  });

  it("leaves out cPanel's page for another theme, and WHM for an account that is no reseller", () => {
    const jupiter = reminderText({ user: 'bob', actor: 'root', host: 'h', theme: undefined, isReseller: false });
    const other = reminderText({ user: 'bob', actor: 'root', host: 'h', theme: 'paper_lantern', isReseller: false });
    expect(other.body.split('\n')).toHaveLength(jupiter.body.split('\n').length - 1);
    expect(jupiter.body.split('\n')).toHaveLength(19);
  });
});
