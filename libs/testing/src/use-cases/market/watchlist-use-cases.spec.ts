import { WATCHLIST_MAX_SYMBOLS, WATCHLISTS_MAX_PER_USER } from '@tradeloop/contracts';
import {
  AddWatchlistSymbolUseCase,
  CreateWatchlistUseCase,
  DEFAULT_WATCHLIST_NAME,
  DEFAULT_WATCHLIST_SYMBOLS,
  DeleteWatchlistUseCase,
  ListWatchlistsUseCase,
  RemoveWatchlistSymbolUseCase,
  RenameWatchlistUseCase,
  ReplaceWatchlistSymbolsUseCase,
} from '@tradeloop/market';
import type { Db } from '@tradeloop/platform';
import { FakeDb, FakeWatchlists, port } from '../../fakes';
import { fieldsOf, refusal } from '../refusal';

const ALICE = '0190f5f0-0000-7000-8000-00000000000a';
const BOB = '0190f5f0-0000-7000-8000-00000000000b';
const MISSING = '0190f5f0-0000-7000-8000-0000000000ff';

function setup() {
  const db = new FakeDb();
  const repo = new FakeWatchlists(db, new Set(['RELIANCE', 'TCS', 'INFY', 'HDFCBANK']));
  const d = port<Db>(db);
  // One use case per operation; the tests speak of them by operation.
  const service = {
    list: (userId: string) => new ListWatchlistsUseCase(d, repo).execute(userId),
    create: (userId: string, input: { name: string; symbols: string[] }) => new CreateWatchlistUseCase(d, repo).execute(userId, input),
    rename: (userId: string, id: string, name: string) => new RenameWatchlistUseCase(d, repo).execute(userId, id, name),
    delete: (userId: string, id: string) => new DeleteWatchlistUseCase(d, repo).execute(userId, id),
    replaceSymbols: (userId: string, id: string, symbols: string[]) =>
      new ReplaceWatchlistSymbolsUseCase(d, repo).execute(userId, id, symbols),
    addSymbol: (userId: string, id: string, symbol: string) => new AddWatchlistSymbolUseCase(d, repo).execute(userId, id, symbol),
    removeSymbol: (userId: string, id: string, symbol: string) => new RemoveWatchlistSymbolUseCase(d, repo).execute(userId, id, symbol),
  };
  return { db, repo, service };
}

describe('watchlist use cases', () => {
  it('gives a user with no lists one default list, under their lock, and the same one on every later read', async () => {
    const w = setup();
    const first = await w.service.list(ALICE);
    const again = await w.service.list(ALICE);

    // The liquid names to start from, those the instrument master lists (this fake's lists four of them).
    expect(first.map((l) => [l.name, l.symbols])).toEqual([[DEFAULT_WATCHLIST_NAME, ['RELIANCE', 'HDFCBANK', 'INFY', 'TCS']]]);
    expect(DEFAULT_WATCHLIST_SYMBOLS.filter((s) => first[0]!.symbols.includes(s))).toEqual(first[0]!.symbols);
    expect(again).toEqual(first);
    expect(w.db.advisoryLocks).toEqual([`tradeloop:watchlists:${ALICE}`]);
    expect(w.db.transactions).toHaveLength(1); // the second read needs no transaction
  });

  it('concurrent first reads create exactly one default list (the user lock serialises them)', async () => {
    const w = setup();
    const reads = await Promise.all([w.service.list(ALICE), w.service.list(ALICE), w.service.list(ALICE)]);

    expect(w.repo.lists.size).toBe(1);
    expect(new Set(reads.map((r) => r[0]!.id)).size).toBe(1);
  });

  it('creates a list with its symbols in the given order; a user who made one gets no default', async () => {
    const w = setup();
    const list = await w.service.create(ALICE, { name: 'Banks', symbols: ['TCS', 'RELIANCE'] });

    expect(list).toMatchObject({ name: 'Banks', symbols: ['TCS', 'RELIANCE'] });
    expect((await w.service.list(ALICE)).map((l) => l.name)).toEqual(['Banks']);
  });

  it('refuses a name already used by the same user in any case (CONFLICT on name); another user may use it', async () => {
    const w = setup();
    await w.service.create(ALICE, { name: 'Tech', symbols: [] });
    const err = await refusal(w.service.create(ALICE, { name: 'TECH', symbols: ['TCS'] }));
    await w.service.create(BOB, { name: 'Tech', symbols: [] });

    expect(err.code).toBe('CONFLICT');
    expect(fieldsOf(err)).toEqual(['name']);
    expect(w.db.rolledBack).toBe(1);
    expect(w.repo.lists.size).toBe(2);
  });

  it(`refuses a list beyond ${WATCHLISTS_MAX_PER_USER}, also when created concurrently`, async () => {
    const w = setup();
    const results = await Promise.allSettled(
      Array.from({ length: WATCHLISTS_MAX_PER_USER + 3 }, (_, i) => w.service.create(ALICE, { name: `List ${i}`, symbols: [] })),
    );

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(WATCHLISTS_MAX_PER_USER);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as { code: string; message: string }] : []));
    expect(refused.map((e) => e.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect(refused[0]!.message).toMatch(/the most allowed \(10\)/);
    expect(await w.repo.count(w.db.sql, ALICE)).toBe(WATCHLISTS_MAX_PER_USER);
  });

  it('refuses unknown and repeated symbols naming each position, and writes nothing', async () => {
    const w = setup();
    const unknown = await refusal(w.service.create(ALICE, { name: 'X', symbols: ['TCS', 'NOPE', 'ALSO_NOT'] }));
    const repeated = await refusal(w.service.create(ALICE, { name: 'Y', symbols: ['TCS', 'INFY', 'TCS'] }));

    expect(unknown.code).toBe('VALIDATION_FAILED');
    expect(fieldsOf(unknown)).toEqual(['symbols.1', 'symbols.2']);
    expect(unknown.message).toBe('Unknown symbols: NOPE, ALSO_NOT');
    expect(fieldsOf(repeated)).toEqual(['symbols.2']);
    expect(w.repo.lists.size).toBe(0);
  });

  it('renames, refusing another list’s name but allowing a change of case of its own', async () => {
    const w = setup();
    const a = await w.service.create(ALICE, { name: 'One', symbols: [] });
    await w.service.create(ALICE, { name: 'Two', symbols: [] });

    expect((await refusal(w.service.rename(ALICE, a.id, 'two'))).code).toBe('CONFLICT');
    expect((await w.service.rename(ALICE, a.id, 'ONE')).name).toBe('ONE');
  });

  it('PUT replaces the whole ordered list; a refused PUT leaves it as it was', async () => {
    const w = setup();
    const { id } = await w.service.create(ALICE, { name: 'L', symbols: ['TCS', 'INFY'] });

    expect((await w.service.replaceSymbols(ALICE, id, ['INFY', 'RELIANCE', 'TCS'])).symbols).toEqual(['INFY', 'RELIANCE', 'TCS']);
    expect((await refusal(w.service.replaceSymbols(ALICE, id, ['TCS', 'NOPE']))).code).toBe('VALIDATION_FAILED');
    expect((await w.service.replaceSymbols(ALICE, id, [])).symbols).toEqual([]);
  });

  it('appends a symbol once (a second add changes nothing, updatedAt included); removing an absent one changes nothing', async () => {
    const w = setup();
    vi.useFakeTimers({ now: new Date('2025-03-14T09:00:00Z'), toFake: ['Date'] });
    try {
      const { id } = await w.service.create(ALICE, { name: 'L', symbols: ['TCS'] });
      vi.setSystemTime(new Date('2025-03-14T09:01:00Z'));
      const added = await w.service.addSymbol(ALICE, id, 'INFY');
      vi.setSystemTime(new Date('2025-03-14T09:02:00Z'));
      const again = await w.service.addSymbol(ALICE, id, 'INFY');
      const removedAbsent = await w.service.removeSymbol(ALICE, id, 'RELIANCE');

      expect(added.symbols).toEqual(['TCS', 'INFY']);
      expect(added.updatedAt).toBe('2025-03-14T09:01:00.000Z');
      expect(again).toEqual(added);
      expect(removedAbsent).toEqual(added);
      expect((await w.service.removeSymbol(ALICE, id, 'TCS')).symbols).toEqual(['INFY']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('refuses to add an unknown symbol or one to a full list (VALIDATION_FAILED on symbol)', async () => {
    const w = setup();
    const { id } = await w.service.create(ALICE, { name: 'L', symbols: [] });
    const unknown = await refusal(w.service.addSymbol(ALICE, id, 'NOPE'));
    const full = Array.from({ length: WATCHLIST_MAX_SYMBOLS }, (_, i) => `S${i}`);
    for (const s of [...full, 'LAST']) w.repo.known.add(s);
    await w.service.replaceSymbols(ALICE, id, full);
    const tooMany = await refusal(w.service.addSymbol(ALICE, id, 'LAST'));

    expect([unknown.code, tooMany.code]).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED']);
    expect([fieldsOf(unknown), fieldsOf(tooMany)]).toEqual([['symbol'], ['symbol']]);
    expect((await w.repo.symbols(w.db.sql, id)).length).toBe(WATCHLIST_MAX_SYMBOLS);
  });

  it('another user’s list, like a malformed or unknown id, is NOT_FOUND on every operation and stays untouched', async () => {
    const w = setup();
    const mine = await w.service.create(ALICE, { name: 'Mine', symbols: ['TCS'] });
    const attempts = [
      w.service.rename(BOB, mine.id, 'Stolen'),
      w.service.delete(BOB, mine.id),
      w.service.replaceSymbols(BOB, mine.id, []),
      w.service.addSymbol(BOB, mine.id, 'INFY'),
      w.service.removeSymbol(BOB, mine.id, 'TCS'),
      w.service.delete(ALICE, 'not-a-uuid'),
      w.service.rename(ALICE, MISSING, 'X'),
    ];
    for (const attempt of attempts) expect((await refusal(attempt)).code).toBe('NOT_FOUND');

    expect(await w.service.list(ALICE)).toEqual([mine]);
  });

  it('deleting every list means the next read creates a fresh default', async () => {
    const w = setup();
    const [first] = await w.service.list(ALICE);
    await w.service.delete(ALICE, first!.id);
    const [fresh] = await w.service.list(ALICE);

    expect(fresh!.name).toBe(DEFAULT_WATCHLIST_NAME);
    expect(fresh!.id).not.toBe(first!.id);
  });
});
