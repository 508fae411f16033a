// SQLite schema for the log and its indexes. Entries and change bodies are stored once;
// everything else (hashes, checkpoints) is derived but kept, so proofs need no recomputation.
// `changes` is a rowid table on purpose: its rows hold whole change bodies, and a WITHOUT ROWID
// table with rows that large inserted ~4× slower here (81 vs 21 µs a row).
import { entriesSchema } from '../schema';

export const SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER NOT NULL);
INSERT OR IGNORE INTO head (id, size) VALUES (1, 0);
${entriesSchema({ index: 'INTEGER', bytes: 'BLOB', kind: 'INTEGER' })}
CREATE TABLE IF NOT EXISTS changes (
  id INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  parcel TEXT NOT NULL,
  part TEXT NOT NULL,
  am_hash TEXT NOT NULL,
  actor TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body BLOB NOT NULL,
  erased INTEGER NOT NULL DEFAULT 0,
  UNIQUE (parcel, part, am_hash),
  UNIQUE (parcel, part, actor, seq)
);
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
`;
