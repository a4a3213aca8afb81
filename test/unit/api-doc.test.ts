// docs/api.md must describe the API the code serves: the same actions, the parameters
// each one reads, the error codes each may answer (as api/actionErrors.ts declares them,
// which the handler enforces), the error codes with their HTTP statuses, and the limits
// of rules.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from '../../plugin/src/api/actions';
import { ACTION_ERRORS } from '../../plugin/src/api/actionErrors';
import { MAX_BODY_BYTES } from '../../plugin/src/api/handler';
import { HTTP_STATUS } from '../../plugin/src/errors';
import {
  MAX_CODE_INPUT_LENGTH,
  MAX_ISSUER_INPUT_LENGTH,
  MAX_ISSUER_LENGTH,
  MAX_REASON_LENGTH,
  MAX_USERS_PER_REMIND,
  MAX_RECOVERY_CODE_INPUT_LENGTH,
  MAX_USERS_PER_REMOVE,
  REMINDER_INTERVAL_DAYS,
} from '../../plugin/src/rules';

const TOP = join(__dirname, '../..');
const doc = readFileSync(join(TOP, 'docs/api.md'), 'utf8');
const actionsSource = readFileSync(join(TOP, 'plugin/src/api/actions.ts'), 'utf8');

/** Each `### \`name\`` section of the doc, by action name. */
const sections = new Map(
  doc
    .split(/^### /m)
    .slice(1)
    .map((part) => [/^`([^`]+)`/.exec(part)?.[1] ?? '', part] as const),
);

/** The parameter names an action's code reads (`params, 'name'`), found in actions.ts. */
function paramsRead(action: string): string[] {
  const table = actionsSource.slice(actionsSource.indexOf('export const ACTIONS'));
  const quoted = action.includes('.') ? `'${action}'` : action;
  const start = table.search(new RegExp(`^  ${quoted.replace('.', '\\.')}[:,]`, 'm'));
  expect(start, `${action} in ACTIONS`).toBeGreaterThan(-1);
  const rest = table.slice(start);
  const next = rest.slice(1).search(/^ {2}['a-z]/m);
  let code = next === -1 ? rest : rest.slice(0, next + 1);
  // An entry that names a function declared above (`status,`, `'audit.list': auditList`).
  const named = /^ {2}(?:'[^']+': )?(\w+),?\s*$/.exec(code.trim() === '' ? '' : (code.split('\n')[0] ?? ''));
  if (named?.[1] !== undefined) {
    const body = new RegExp(`function ${named[1]}\\([^]*?\\n}\\n`).exec(actionsSource)?.[0];
    expect(body, `function ${named[1]}`).toBeDefined();
    code = body ?? '';
  }
  return [...code.matchAll(/params, '(\w+)'/g)].map((m) => m[1] as string).sort();
}

function paramsDocumented(action: string): string[] {
  const line = /^- Params: (.*(?:\n {2}.*)*)/m.exec(sections.get(action) ?? '')?.[1] ?? '';
  return [...line.matchAll(/`(\w+)` \(/g)].map((m) => m[1] as string).sort();
}

describe('docs/api.md', () => {
  it('has one section per action the API serves, and no other', () => {
    expect([...sections.keys()].sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  for (const action of Object.keys(ACTIONS)) {
    it(`lists exactly the parameters ${action} reads`, () => {
      expect(paramsDocumented(action)).toEqual(paramsRead(action));
    });
  }

  it('finds the parameters it compares (the check itself can fail)', () => {
    expect(paramsRead('users.remove')).toEqual(['reason', 'recoveryCode', 'users']);
    expect(paramsRead('users.remind')).toEqual(['users']);
    expect(paramsRead('audit.list')).toEqual(['auditAction', 'before', 'limit', 'skip', 'user']);
    expect(paramsRead('status')).toEqual([]);
    expect(paramsDocumented('enroll.confirm')).toEqual(['code', 'currentCode', 'keyId']);
  });

  it('declares the error codes of exactly the actions the API serves', () => {
    expect(Object.keys(ACTION_ERRORS).sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  for (const action of Object.keys(ACTIONS)) {
    it(`lists exactly the error codes ${action} may answer (INTERNAL aside: every action may)`, () => {
      const line = /^- Errors: (.*(?:\n {2}.*)*)/m.exec(sections.get(action) ?? '')?.[1];
      expect(line, `an "- Errors:" line for ${action}`).toBeDefined();
      const listed = new Set([...(line ?? '').matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1] as string));
      listed.delete('INTERNAL');
      expect([...listed].sort()).toEqual([...(ACTION_ERRORS[action] ?? [])].sort());
    });
  }

  it('lists every error code with its HTTP status, and names only real codes', () => {
    const table = Object.fromEntries(
      [...doc.matchAll(/^\| `([A-Z_]+)`\s*\|\s*(\d+)\s*\|/gm)].map((m) => [m[1], Number(m[2])]),
    );
    expect(table).toEqual(HTTP_STATUS);
    const errorLines = [...doc.matchAll(/^- Errors: (.*(?:\n {2}.*)*)/gm)].map((m) => m[1] ?? '').join(' ');
    const named = new Set([...errorLines.matchAll(/`([A-Z][A-Z_]+)`/g)].map((m) => m[1]));
    expect(named.size).toBeGreaterThan(5);
    for (const code of named) expect(Object.keys(HTTP_STATUS), `${String(code)} in docs/api.md`).toContain(code);
  });

  it('states the limits the code enforces', () => {
    const flat = (text: string | undefined): string => (text ?? '').replace(/\s+/g, ' ');
    expect(flat(doc)).toContain(`at most ${String(MAX_BODY_BYTES / 1024)} KiB`);
    expect(flat(sections.get('enroll.confirm'))).toContain(`at most ${String(MAX_CODE_INPUT_LENGTH)} characters`);
    expect(flat(sections.get('users.remove'))).toContain(
      `1 to ${MAX_USERS_PER_REMOVE.toLocaleString('en-US')} account names`,
    );
    expect(flat(sections.get('users.remove'))).toContain(`at most ${String(MAX_REASON_LENGTH)} characters`);
    expect(flat(sections.get('users.remind'))).toContain(
      `1 to ${MAX_USERS_PER_REMIND.toLocaleString('en-US')} account names`,
    );
    expect(flat(sections.get('users.remind'))).toContain(`every ${String(REMINDER_INTERVAL_DAYS)} days`);
    expect(flat(sections.get('users.remove'))).toContain(
      `\`recoveryCode\` (optional, with exactly one account: text of at most ${String(MAX_RECOVERY_CODE_INPUT_LENGTH)} characters`,
    );
    expect(flat(sections.get('settings.set'))).toContain(`at most ${String(MAX_ISSUER_INPUT_LENGTH)} characters`);
    expect(flat(sections.get('settings.set'))).toContain(`1 to ${String(MAX_ISSUER_LENGTH)} letters`);
  });
});
