// Serves the built app (adapter-node's handler) with the defaults this product needs:
// - The API enforces its own body limits with JSON errors, so adapter-node's limit is lifted; an
//   answer sent before the body was read (413) is followed by throwing the rest away, and a body
//   announced with `Expect: 100-continue` above every limit is refused before it is sent.
// - Without ORIGIN, adapter-node assumes https; here a request that did not come through a TLS
//   proxy (no X-Forwarded-Proto) is plain http, so links and SvelteKit's CSRF origin check match
//   what the browser sees on http://localhost or a LAN address. Behind a TLS proxy, set ORIGIN or
//   let the proxy send X-Forwarded-Proto.
// - Full tiles and entry bundles the app has made already, and file uploads (PUT /api/files/<sha256>
//   with the device's content type), are answered before adapter-node and SvelteKit see the
//   request (src/lib/server/http/full-tiles.ts, file-upload.ts), with the same headers.
import http from 'node:http';

process.env.BODY_SIZE_LIMIT ??= 'Infinity';
if (!process.env.ORIGIN) process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

const { handler } = await import('../build/handler.js');
const { MAX_BODY_BYTES, DISCARD_BYTES, DISCARD_MS } = await import('../src/lib/server/http/body-limits.js');

// The app offers it once the log is open (runtime.ts); the built app is another module graph.
const answerFullTile = () => globalThis[Symbol.for('parcel-ledger.answer-full-tile')];
const answerFileUpload = () => globalThis[Symbol.for('parcel-ledger.answer-file-upload')];
const originIsHttps = process.env.ORIGIN ? new URL(process.env.ORIGIN).protocol === 'https:' : null;
// Only the settings this file makes: with other PROTOCOL/HOST/PORT headers, adapter-node decides.
const ownProtocolHeader = !process.env.ORIGIN && process.env.PROTOCOL_HEADER === 'x-forwarded-proto' && !process.env.HOST_HEADER && !process.env.PORT_HEADER;

/** Whether adapter-node would see this request as https, or null when it would refuse it or we cannot tell. */
function isHttps(req) {
	if (originIsHttps !== null) return originIsHttps;
	const proto = req.headers['x-forwarded-proto'];
	if (!ownProtocolHeader || !req.headers.host || (proto !== 'http' && proto !== 'https')) return null;
	return proto === 'https';
}

function serve(req, res) {
	if (!process.env.ORIGIN && !req.headers['x-forwarded-proto']) req.headers['x-forwarded-proto'] = 'http';
	res.once('finish', () => discardRest(req));
	const tile = req.url?.startsWith('/log/tile/');
	const https = tile || req.url?.startsWith('/api/files/') ? isHttps(req) : null;
	if (https !== null && (tile ? answerFullTile() : answerFileUpload())?.(req, res, https)) return;
	handler(req, res);
}

/**
 * An answer went out before the request body was read to its end (413, or an endpoint that takes
 * no body): read the rest and throw it away — up to DISCARD_BYTES or DISCARD_MS, then close the
 * connection — so that the client reads the answer (closing a socket with unread data makes the
 * kernel reset it, and the client may lose the answer) and the connection can be used again.
 * The app's stream of the body stops taking data, so nothing is kept.
 */
function discardRest(req) {
	if (req.complete || req.destroyed) return;
	req.removeAllListeners('data');
	const socket = req.socket;
	if (socket.writableEnded) {
		// Node closes a connection whose request body was not read: its answer ends the socket and
		// destroys it once written (destroySoon), and bytes the client still sends then meet a reset
		// that can reach the client before the answer does (EPIPE, the 413 lost). Keep the reading
		// side open until the client stops sending (a lingering close), within the bounds below.
		socket.removeListener('finish', socket.destroy);
		req.once('end', () => socket.destroy());
	}
	let dropped = 0;
	const timer = setTimeout(() => req.destroy(), DISCARD_MS);
	timer.unref();
	req.on('data', (chunk) => {
		dropped += chunk.length;
		if (dropped > DISCARD_BYTES) req.destroy();
	});
	req.once('end', () => clearTimeout(timer));
	req.once('close', () => clearTimeout(timer));
	req.resume();
}

const server = http.createServer(serve);
// `Expect: 100-continue`: a body declared above the largest any endpoint takes is refused before
// the client sends it (413, no 100 Continue); others are told to go on, and each endpoint applies
// its own limit as the bytes arrive.
server.on('checkContinue', (req, res) => {
	const declared = Number(req.headers['content-length']);
	if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
		const body = JSON.stringify({ error: { code: 'too-large', message: `the body is ${declared} bytes, above the limit of ${MAX_BODY_BYTES}` } });
		res.writeHead(413, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
		res.end(body);
		return;
	}
	res.writeContinue();
	serve(req, res);
});
// What Node answers itself, before the app sees a request — a request or its headers not arriving
// in time (408), headers above Node's limit (431), bytes that are not HTTP (400) — in the API's
// JSON error shape (docs/protocol.md "Errors") instead of Node's empty answer.
const CLIENT_ERRORS = {
	ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'timeout', 'the request did not arrive in time'],
	HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'headers-too-large', 'the request headers are above the limit']
};
server.on('clientError', (err, socket) => {
	if (err.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten > 0) {
		socket.destroy();
		return;
	}
	const [status, reason, code, message] = CLIENT_ERRORS[err.code] ?? [400, 'Bad Request', 'bad-request', 'the request is not valid HTTP'];
	const body = JSON.stringify({ error: { code, message } });
	socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
	setTimeout(() => socket.destroy(), 1000).unref();
});
// Longer than the usual load balancer idle timeout (60 s), so a proxy never reuses a socket we close.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(port, host, () => console.log(`Listening on http://${host}:${port}`));
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		server.close(() => process.exit(0));
		setTimeout(() => process.exit(0), 3000).unref();
	});
}
