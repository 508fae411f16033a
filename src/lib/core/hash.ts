// SHA-256 for the core: the same code runs in browser, server and CLI. Plain JavaScript
// (sha256.ts) rather than noble's streaming hasher: for the many small inputs of Merkle trees and
// the parcel map, noble's per-call DataViews, state copies and schedule zeroing cost more than the
// hashing (2.9–4.4× slower in Chromium on 67–600 bytes; docs/performance.md). Before that, one
// reused noble hasher (GC was a third of the map's time with one per call).
export { sha256, sha256Into } from './sha256';
