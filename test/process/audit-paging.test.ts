// Activity's "Show older entries" through the built CGI: entries written in the same
// millisecond (one users.remove of several accounts, say) that straddle a page's edge
// are each shown once, none skipped, when the page passes `before` with `skip`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { api, makeServer, type Server } from '../support/server';

let server: Server;
beforeAll(() => {
  server = makeServer();
});
afterAll(() => server.cleanup());

type Entry = Record<string, string>;
const SAME = '2026-03-01T10:00:00.000Z';

/** Appends entries about `shop1` (oldest first) straight to the trail, as the plugin writes them. */
function seed(times: string[]): void {
  const dir = join(server.root, 'var/cpanel/whm2fa');
  mkdirSync(dir, { recursive: true });
  const lines = times.map((at, i) =>
    JSON.stringify({
      at,
      actor: 'root',
      subject: 'shop1',
      owner: 'reseller1',
      action: 'admin.remove',
      ip: '10.0.0.1',
      result: 'ok',
      reason: `n${String(i)}`,
    }),
  );
  appendFileSync(join(dir, 'audit.log'), `${lines.join('\n')}\n`);
}

async function page(body: Record<string, unknown>): Promise<Entry[]> {
  const r = await api(server, 'root', { action: 'audit.list', user: 'shop1', auditAction: 'admin.remove', ...body });
  expect(r.status).toBe(200);
  return r.json().data?.['entries'] as Entry[];
}

describe('audit.list paging with entries at the same millisecond', () => {
  it('pages of 2 over 1 older, 5 at one time and 1 newer entry show all 7 once, newest first', async () => {
    seed(['2026-03-01T09:00:00.000Z', SAME, SAME, SAME, SAME, SAME, '2026-03-01T11:00:00.000Z']);
    const all = await page({ limit: 500 });
    expect(all.map((e) => e['reason'])).toEqual(['n6', 'n5', 'n4', 'n3', 'n2', 'n1', 'n0']);

    const shown: Entry[] = [];
    for (let guard = 0; guard < 10; guard += 1) {
      const last = shown.at(-1);
      const next = await page(
        last === undefined
          ? { limit: 2 }
          : { limit: 2, before: last['at'], skip: shown.filter((e) => e['at'] === last['at']).length },
      );
      shown.push(...next);
      if (next.length < 2) break;
    }
    expect(shown.map((e) => e['reason'])).toEqual(['n6', 'n5', 'n4', 'n3', 'n2', 'n1', 'n0']);
  });

  it('without skip, before still means strictly older (the old cursor)', async () => {
    expect((await page({ limit: 500, before: SAME })).map((e) => e['reason'])).toEqual(['n0']);
    expect((await page({ limit: 500, before: SAME, skip: 0 })).map((e) => e['reason'])).toEqual([
      'n5',
      'n4',
      'n3',
      'n2',
      'n1',
      'n0',
    ]);
  });
});
