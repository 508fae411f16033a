// PostgreSQL tables of the file store, in the log's database.
export const POSTGRES_FILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  hash TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  type TEXT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0,
  complete BOOLEAN NOT NULL DEFAULT false
);
CREATE TABLE IF NOT EXISTS file_chunks (
  hash TEXT NOT NULL,
  off BIGINT NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (hash, off)
);
CREATE TABLE IF NOT EXISTS file_refs (
  hash TEXT NOT NULL,
  change_hash BYTEA NOT NULL,
  parcel TEXT NOT NULL,
  part TEXT NOT NULL,
  PRIMARY KEY (hash, change_hash)
);
CREATE INDEX IF NOT EXISTS file_refs_by_change ON file_refs (change_hash);
`;
