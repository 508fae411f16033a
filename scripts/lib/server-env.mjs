// The environment a server process starts with (`npm start`, and the benches that measure the
// server as it runs there). MALLOC_ARENA_MAX=2: glibc gives each thread that allocates its own
// malloc arena and keeps what it frees there, and the server has several (the main thread, the
// check workers, libuv's pool, V8's helpers). With two arenas the server's peak RSS during a
// 20,000-edit SQLite ingest was 361–376 MiB against 393–416 with the default, at the same rate
// (docs/performance.md "Server peak RSS"). Read by glibc when the process starts, so it is set
// here, for the child; an operator's own value wins.
export function serverEnv(env = process.env) {
	return { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? '2' };
}
