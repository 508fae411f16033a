// Request body limits (docs/protocol.md "Submitting edits", "Request bodies"). Plain JavaScript so
// that scripts/serve.mjs, the Node server around the built app, reads the same numbers as the app.

/** The largest body any endpoint takes: POST /api/edits, /api/keys, /api/entries. */
export const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * After an answer that did not read the whole request body (413, or an endpoint that takes none),
 * the server reads on and throws away at most this much more, for at most DISCARD_MS, so that the
 * client sees the answer and the connection can be used again; past either, it closes the
 * connection. Nothing of it is kept.
 */
export const DISCARD_BYTES = 64 * 1024 * 1024;
export const DISCARD_MS = 10_000;
