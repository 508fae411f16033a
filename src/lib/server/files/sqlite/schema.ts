// SQLite tables of the file store, in the log's database (so a `cli backup` copy holds them).
export const SQLITE_FILES_SCHEMA = `
CREATE TABLE IF NOT EXISTS files (
  hash TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  type TEXT NOT NULL,
  received INTEGER NOT NULL DEFAULT 0,
  complete INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS file_chunks (
  hash TEXT NOT NULL,
  off INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (hash, off)
);
CREATE TABLE IF NOT EXISTS file_refs (
  hash TEXT NOT NULL,
  change_hash BLOB NOT NULL,
  parcel TEXT NOT NULL,
  part TEXT NOT NULL,
  PRIMARY KEY (hash, change_hash)
);
CREATE INDEX IF NOT EXISTS file_refs_by_change ON file_refs (change_hash);
`;
