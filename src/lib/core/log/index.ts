// The transparency-log core: RFC 6962 hashing and proofs over an append-only stored-hash
// layout, C2SP tlog-tiles, signed-note and tlog-checkpoint. Pure: I/O comes in as functions.
export { HASH_SIZE, emptyTreeRoot, leafHash, nodeHash } from './hashing';
export {
	MemoryHashStore,
	splitStoredHashIndex,
	storedHashCount,
	storedHashes,
	storedHashIndex,
	treeHash,
	type HashReader
} from './tree';
export { checkRecord, checkTree, proveRecord, proveTree, verifyConsistency, verifyInclusion } from './proof';
export {
	MAX_PROOF_HASHES,
	consistencyProofToJson,
	inclusionProofToJson,
	parseConsistencyProofJson,
	parseInclusionProofJson,
	type ConsistencyProof,
	type ConsistencyProofJson,
	type InclusionProof,
	type InclusionProofJson
} from './proof-json';
export {
	MAX_TILE_LEVEL,
	TILE_HEIGHT,
	TILE_WIDTH,
	entriesPath,
	hashFromTile,
	parseTilePath,
	readTileData,
	tileForIndex,
	tilePath,
	tilesForSize,
	type Tile,
	type TileResource
} from './tiles';
export { tileHashReader, type FetchTile, type TileHashReaderOptions, type TreeHead } from './tile-reader';
export { MAX_BUNDLED_ENTRY_BYTES, checkEntryBundle, decodeEntryBundle, encodeEntryBundle } from './entry-bundle';
export {
	ED25519_SIGNATURE_TYPE,
	MAX_NOTE_SIGNATURES,
	formatVerifierKey,
	isValidKeyName,
	noteKeyId,
	noteVerifierKey,
	openNote,
	parseVerifierKey,
	signNote,
	type NoteVerifierKey,
	type OpenedNote
} from './note';
export {
	formatCheckpoint,
	openCheckpoint,
	parseCheckpoint,
	signCheckpoint,
	type Checkpoint,
	type OpenedCheckpoint
} from './checkpoint';
export { LogError, type Failure, type LogErrorCode, type Result, type Verdict } from './result';
export {
	MAX_LISTED_FAILURES,
	auditLog,
	auditSummary,
	type AuditDeps,
	type AuditFailure,
	type AuditFailureCode,
	type AuditReport
} from './audit';
