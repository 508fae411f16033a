// The log's tables both stores declare alike, in each one's column types: the entries, their
// indexes, and the tree's stored hashes (sqlite/schema.ts, postgres/schema.ts add the rest).
export interface LogColumnTypes {
	/** A tree index or size. */
	index: string;
	bytes: string;
	/** An entry kind (a small number). */
	kind: string;
}

export const entriesSchema = (t: LogColumnTypes): string => `CREATE TABLE IF NOT EXISTS entries (
  idx ${t.index} PRIMARY KEY,
  data ${t.bytes} NOT NULL,
  identity ${t.bytes} NOT NULL UNIQUE,
  kind ${t.kind} NOT NULL,
  author ${t.bytes} NOT NULL,
  parcel TEXT,
  district TEXT,
  part TEXT,
  change_hash ${t.bytes}
);
CREATE INDEX IF NOT EXISTS entries_by_parcel ON entries (parcel, idx) WHERE parcel IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_by_district ON entries (district, idx) WHERE district IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_keys ON entries (idx) WHERE kind IN (2, 3);
CREATE INDEX IF NOT EXISTS entries_access ON entries (district, idx) WHERE kind = 5;
CREATE INDEX IF NOT EXISTS entries_claims ON entries (idx) WHERE kind IN (6, 7, 8);
-- A notice's pending change (docs/protocol.md "Claims and notices"): kept, applied to nothing
-- until an edit logs it (then it is in changes too). Apart from changes, so no document has it.
CREATE TABLE IF NOT EXISTS notice_changes (hash ${t.bytes} PRIMARY KEY, parcel TEXT NOT NULL, part TEXT NOT NULL, body ${t.bytes} NOT NULL);
CREATE TABLE IF NOT EXISTS hashes (id ${t.index} PRIMARY KEY, hash ${t.bytes} NOT NULL);`;
