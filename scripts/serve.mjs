// Serves the built app (adapter-node's handler) with the defaults this product needs:
// - The API enforces its own body limits with JSON errors, so adapter-node's limit is lifted.
// - Without ORIGIN, adapter-node assumes https; here a request that did not come through a TLS
//   proxy (no X-Forwarded-Proto) is plain http, so links and SvelteKit's CSRF origin check match
//   what the browser sees on http://localhost or a LAN address. Behind a TLS proxy, set ORIGIN or
//   let the proxy send X-Forwarded-Proto.
import http from 'node:http';

process.env.BODY_SIZE_LIMIT ??= 'Infinity';
if (!process.env.ORIGIN) process.env.PROTOCOL_HEADER ??= 'x-forwarded-proto';
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

const { handler } = await import('../build/handler.js');
const server = http.createServer((req, res) => {
	if (!process.env.ORIGIN && !req.headers['x-forwarded-proto']) req.headers['x-forwarded-proto'] = 'http';
	handler(req, res);
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
