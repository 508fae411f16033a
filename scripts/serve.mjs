// Serves the built app (adapter-node) with the defaults this product needs.
// The API enforces its own body limits with JSON errors, so adapter-node's limit is lifted.
process.env.BODY_SIZE_LIMIT ??= 'Infinity';
process.env.PORT ??= '3000';
await import('../build/index.js');
