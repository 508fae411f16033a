// PostgreSQL schema: the same tables as SQLite, with BYTEA and BIGINT.
import { entriesSchema } from '../schema';

export const POSTGRES_SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS head (id INTEGER PRIMARY KEY CHECK (id = 1), size BIGINT NOT NULL);
INSERT INTO head (id, size) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
${entriesSchema({ index: 'BIGINT', bytes: 'BYTEA', kind: 'SMALLINT' })}
CREATE TABLE IF NOT EXISTS changes (
  hash BYTEA PRIMARY KEY,
  parcel TEXT NOT NULL,
  part TEXT NOT NULL,
  am_hash TEXT NOT NULL,
  actor TEXT NOT NULL,
  seq INTEGER NOT NULL,
  body BYTEA NOT NULL,
  erased BOOLEAN NOT NULL DEFAULT false,
  UNIQUE (parcel, part, am_hash),
  UNIQUE (parcel, part, actor, seq)
);
CREATE TABLE IF NOT EXISTS checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL);
-- Which app server sequences (cluster/lease.ts): advertised for forwarding, guarded by an advisory lock.
CREATE TABLE IF NOT EXISTS sequencer_lease (id INTEGER PRIMARY KEY CHECK (id = 1), url TEXT NOT NULL, since TIMESTAMPTZ NOT NULL);
-- Stores made before erasure existed lack the column.
ALTER TABLE changes ADD COLUMN IF NOT EXISTS erased BOOLEAN NOT NULL DEFAULT false;
`;
