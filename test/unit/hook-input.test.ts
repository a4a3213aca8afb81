// How the account hook reads its event (plugin/src/hookInput.ts) and answers it (hookEvents.ts): however slowly it arrives,
// at once when it is whole even if stdin stays open, and never for longer than the bounds
// in plugin/src/rules.ts. The clock is Vitest's fake one, so the pauses cost nothing.
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseEvent, readEvent, record, type EventInput } from '../../plugin/src/hookInput';
import { GAVE_UP_ANSWER, answer, describe as hookRegistrations } from '../../plugin/src/hookEvents';
import { HOOK_INPUT_CEILING_MS, HOOK_INPUT_IDLE_MS } from '../../plugin/src/rules';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const DOC = JSON.stringify({
  context: { category: 'Whostmgr', event: 'Accounts::Remove', stage: 'post' },
  data: { user: 'gone1' },
  hook: {},
});

/** Starts reading from a fresh input; `result()` is what was read, once it is. */
function reading(): { input: PassThrough; result: () => EventInput | undefined } {
  const input = new PassThrough();
  let got: EventInput | undefined;
  void readEvent(input).then((r) => {
    got = r;
  });
  return { input, result: () => got };
}

/** Lets `ms` pass on the fake clock, running what falls due (and the promises it settles). */
const pass = (ms: number): Promise<void> => vi.advanceTimersByTimeAsync(ms).then(() => undefined);

describe('readEvent', () => {
  it('reads a document sent in pieces with long pauses, and acts when it is whole without waiting for the end', async () => {
    const { input, result } = reading();
    const pieces = [DOC.slice(0, 10), DOC.slice(10, 40), DOC.slice(40, 70), DOC.slice(70)];
    for (const piece of pieces) {
      await pass(HOOK_INPUT_IDLE_MS - 1);
      expect(result()).toBeUndefined();
      input.write(piece);
      await pass(0);
    }
    // Pauses of nearly the idle bound each, and the input never ends.
    expect(result()).toEqual({ doc: JSON.parse(DOC) as unknown, text: DOC, gaveUp: false });
  });

  it('stops reading an input held open once the document is whole, so nothing keeps the hook waiting', async () => {
    const { input, result } = reading();
    input.write(DOC);
    await pass(0);
    expect(result()?.doc).toEqual(JSON.parse(DOC));
    // The writer never closes: the input is no longer read, and a later write or error is harmless.
    expect(input.isPaused()).toBe(true);
    expect(input.listenerCount('data')).toBe(0);
    expect(input.listenerCount('end')).toBe(0);
    // Only a listener that swallows a late error is left, so the error cannot end the hook.
    expect(input.listenerCount('error')).toBe(1);
    input.write('more');
    input.emit('error', new Error('writer gone'));
    await pass(HOOK_INPUT_CEILING_MS);
    expect(result()?.text).toBe(DOC);
  });

  it('does not take a piece that ends in "}" for the whole document', async () => {
    const { input, result } = reading();
    const cut = DOC.indexOf('}') + 1; // the end of "context"
    input.write(DOC.slice(0, cut));
    await pass(HOOK_INPUT_IDLE_MS - 1);
    expect(result()).toBeUndefined();
    input.write(`${DOC.slice(cut)}\n`);
    await pass(0);
    expect(result()?.doc).toEqual(JSON.parse(DOC));
  });

  it('acts on a document whose last piece is only white space', async () => {
    const { input, result } = reading();
    input.write(DOC.slice(0, -1));
    await pass(0);
    input.write('}');
    input.write(' \r\n\t');
    await pass(0);
    expect(result()?.doc).toEqual(JSON.parse(DOC));
  });

  it('acts at once on a document whose piece ends in white space after the "}", the input held open', async () => {
    for (const space of [' ', '\n', '\r', '\t', '\r\n']) {
      const { input, result } = reading();
      input.write(`${DOC}${space}`);
      await pass(0);
      expect(result(), JSON.stringify(space)).toEqual({
        doc: JSON.parse(DOC) as unknown,
        text: `${DOC}${space}`,
        gaveUp: false,
      });
    }
  });

  it('takes what arrived, at once, when the input fails before the document is whole', async () => {
    const { input, result } = reading();
    input.write(DOC.slice(0, 50));
    await pass(0);
    input.emit('error', new Error('writer gone'));
    await pass(0);
    expect(result()).toEqual({ doc: undefined, text: DOC.slice(0, 50), gaveUp: false });
  });

  it('reads a document of exactly one MiB with its padding at once, and one padded past it only at the end', async () => {
    const MiB = 1024 * 1024;
    const exact = reading();
    exact.input.write(DOC.padEnd(MiB, ' '));
    await pass(0);
    expect(exact.result()?.doc).toEqual(JSON.parse(DOC));
    // Past the first MiB, what is kept may be cut: it is judged only once all is read.
    const over = reading();
    over.input.write(DOC.padEnd(MiB + 1, ' '));
    await pass(0);
    expect(over.result()).toBeUndefined();
    over.input.end();
    await pass(0);
    expect(over.result()).toEqual({ doc: JSON.parse(DOC) as unknown, text: DOC.padEnd(MiB, ' '), gaveUp: false });
  });

  it('stops waiting after the idle bound without a byte, with what arrived', async () => {
    const { input, result } = reading();
    input.write(DOC.slice(0, 50));
    await pass(HOOK_INPUT_IDLE_MS - 1);
    expect(result()).toBeUndefined();
    await pass(1);
    expect(result()).toEqual({ doc: undefined, text: DOC.slice(0, 50), gaveUp: true });
  });

  it('stops waiting at the ceiling however steadily bytes trickle in', async () => {
    const { input, result } = reading();
    input.write(DOC.slice(0, 50));
    let elapsed = 0;
    while (elapsed < HOOK_INPUT_CEILING_MS - 1000) {
      await pass(1000);
      elapsed += 1000;
      input.write(' ');
    }
    expect(result()).toBeUndefined();
    await pass(HOOK_INPUT_CEILING_MS - elapsed);
    expect(result()?.gaveUp).toBe(true);
    expect(result()?.doc).toBeUndefined();
  });

  it('takes what there is at the end of the input, at once', async () => {
    for (const [text, doc] of [
      ['', undefined],
      ['not json', undefined],
      ['[1,2]', undefined],
      ['{}', undefined],
      [DOC, JSON.parse(DOC) as unknown],
    ] as const) {
      const { input, result } = reading();
      input.end(text);
      await pass(0);
      expect(result()).toEqual({ doc, text, gaveUp: false });
    }
  });

  it('keeps exactly the first MiB when the input crosses it in the middle of a piece', async () => {
    const { input, result } = reading();
    const MiB = 1024 * 1024;
    for (const piece of ['a'.repeat(MiB - 10), 'b'.repeat(30), 'c'.repeat(50)]) {
      input.write(piece);
      await pass(0);
    }
    input.end();
    await pass(0);
    expect(result()?.text).toBe(`${'a'.repeat(MiB - 10)}${'b'.repeat(10)}`);
  });

  it('keeps the first MiB of an oversized input and reads on to its end', async () => {
    const { input, result } = reading();
    const big = `{"data":{"x":"${'y'.repeat(1024 * 1024)}"}}`;
    input.write(big);
    await pass(0);
    expect(result()).toBeUndefined();
    input.end('}');
    await pass(0);
    expect(result()?.text).toHaveLength(1024 * 1024);
    expect(result()?.doc).toBeUndefined();
    expect(result()?.gaveUp).toBe(false);
  });
});

describe('what counts as an event', () => {
  it('is a JSON object with members; anything else is read as an empty object', () => {
    for (const value of [null, [1, 2], 'ab', 5, true, undefined]) expect(record(value), String(value)).toEqual({});
    const object = { a: 1 };
    expect(record(object)).toBe(object);
    for (const text of ['null', '"ab"', '[1,2]', '5', '{}', '{']) expect(parseEvent(text), text).toBeUndefined();
    expect(parseEvent(DOC)).toEqual(JSON.parse(DOC));
  });
});

describe('answer, for input that is not an event', () => {
  const root = '/nonexistent/whm2fa-hook-test';
  it('says it stopped waiting, unless what arrived names the Cpanel category', () => {
    expect(answer(root, { doc: undefined, text: DOC.slice(0, 50), gaveUp: true }, false, 1_800_000_000)).toBe(
      GAVE_UP_ANSWER,
    );
    expect(answer(root, { doc: undefined, text: '', gaveUp: true }, false, 1_800_000_000)).toBe(GAVE_UP_ANSWER);
    expect(GAVE_UP_ANSWER).toMatch(/^1 whm2fa: \S[^\n]*\n$/);
    const cpanel = '{"context":{"category" : "Cpanel","event":"UAPI::TwoFactorAuth::set_user_configuration"';
    expect(answer(root, { doc: undefined, text: cpanel, gaveUp: true }, false, 1_800_000_000)).toBe('');
  });

  it('says nothing for input that ended unreadable', () => {
    expect(answer(root, { doc: undefined, text: 'not json', gaveUp: false }, false, 1_800_000_000)).toBe('');
  });
});

describe('answer, for an event the hook cannot act on', () => {
  const root = '/nonexistent/whm2fa-hook-test';
  const input = (category: string, event: string): EventInput => {
    const text = JSON.stringify({ context: { category, event, stage: 'post' }, data: { user: 'shop1' } });
    return { doc: JSON.parse(text) as Record<string, unknown>, text, gaveUp: false };
  };

  it('says it is not root for a Whostmgr event, and nothing for a Cpanel one (its words would reach the user)', () => {
    expect(answer(root, input('Whostmgr', 'Accounts::Create'), false, 1_800_000_000)).toBe(
      '1 whm2fa: not running as root; nothing to do\n',
    );
    expect(answer(root, input('Cpanel', 'UAPI::TwoFactorAuth::set_user_configuration'), false, 1_800_000_000)).toBe('');
  });
});

describe('the hooks registered', () => {
  it('registers six hooks at the given path, none blocking, only the Cpanel ones escalated', () => {
    const hooks = hookRegistrations('/x/whm2fa-hook') as Record<string, unknown>[];
    expect(hooks.map((h) => `${String(h['category'])}/${String(h['event'])}/${String(h['stage'])}`)).toEqual([
      'Whostmgr/Accounts::Create/post',
      'Whostmgr/Accounts::Remove/pre',
      'Whostmgr/Accounts::Remove/post',
      'Whostmgr/Accounts::Modify/post',
      'Cpanel/UAPI::TwoFactorAuth::set_user_configuration/post',
      'Cpanel/UAPI::TwoFactorAuth::remove_user_configuration/post',
    ]);
    for (const h of hooks) {
      expect(h).toMatchObject({ hook: '/x/whm2fa-hook', exectype: 'script', blocking: 0 });
      expect(h['escalateprivs']).toBe(h['category'] === 'Cpanel' ? 1 : undefined);
    }
  });
});
