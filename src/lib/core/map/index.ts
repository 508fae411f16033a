// The parcel map: for every (parcel, part), what the log holds of it up to a checkpoint — a
// log-derived, verifiable map whose root each checkpoint commits to (docs/protocol.md "Parcel map").
export * from './key';
export * from './leaf';
export * from './parts';
export * from './trie';
export * from './proof';
export * from './log-map';
export { decodeProof, encodeProof, MAP_PROOF_VERSION, type ProofNode } from './proof-codec';
