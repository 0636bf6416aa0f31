import { applyMigrations, type LocalDatabase, openLocalState, stateDir } from '@edge-gallery/stack';
import {
  existingIdsQueries,
  insertStatement,
  ladderStatement,
  renditionsStatement,
  type Target,
} from './target.ts';

// The local target writes into the same persisted state `wrangler dev --persist-to .state`
// uses, so the running stack (or the next `pnpm start`) lists what was imported. The
// stack's openLocalState streams objects in (never whole files in memory).

export async function openLocalTarget(persistTo: string = stateDir): Promise<Target> {
  let state = await openLocalState(persistTo);
  if (!(await hasMediaTable(state.db))) {
    // A state the stack never started: create the viewer's schema the way the stack does.
    await state.dispose();
    await applyMigrations(persistTo);
    state = await openLocalState(persistTo);
  }
  const { db } = state;
  const run = async ({ sql, params }: { sql: string; params: (string | number | null)[] }) => {
    await db
      .prepare(sql)
      .bind(...params)
      .run();
  };
  return {
    description: `local state ${persistTo}`,
    async existingIds(ids) {
      const found = new Set<string>();
      for (const { sql, params } of existingIdsQueries(ids)) {
        const { results } = await db
          .prepare(sql)
          .bind(...params)
          .all<{ id: string }>();
        for (const row of results) found.add(row.id);
      }
      return found;
    },
    async putObject({ key, body, contentType }) {
      await state.putObject(key, body, { contentType });
    },
    async insertRow(row) {
      await run(insertStatement(row));
    },
    async rows<Row>(listing: { sql: string }) {
      return (await db.prepare(listing.sql).bind().all<Row>()).results;
    },
    async downloadObject(key, path) {
      if (!(await state.getObject(key, path))) throw new Error(`${key} is not in the bucket`);
    },
    async setRenditions(id, keys) {
      await run(renditionsStatement(id, keys));
    },
    async setVideoLadder(id, ladder) {
      await run(ladderStatement(id, ladder));
    },
    async hasObject(key) {
      return (await state.media.head(key)) !== null;
    },
    async flush() {},
    async close() {
      await state.dispose();
    },
  };
}

async function hasMediaTable(db: LocalDatabase): Promise<boolean> {
  const { results } = await db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
    .bind('media')
    .all();
  return results.length > 0;
}
