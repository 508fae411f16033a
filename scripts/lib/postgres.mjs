// A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl from the machine, loopback only.
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync, chownSync, writeFileSync } from 'node:fs';
import { spawnSync, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function findBinDir() {
	const onPath = spawnSync('sh', ['-c', 'command -v pg_ctl'], { encoding: 'utf8' }).stdout.trim();
	if (onPath) {
		const real = spawnSync('readlink', ['-f', onPath], { encoding: 'utf8' }).stdout.trim();
		const dir = real.replace(/\/pg_ctl$/, '');
		if (existsSync(join(dir, 'initdb'))) return dir;
	}
	const base = '/usr/lib/postgresql';
	if (existsSync(base)) {
		const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
		for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
	}
	return null;
}

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

/** Starts a cluster; returns { url, dataDir, binDir, runAs, stop(), restartImmediate() }. */
export async function startThrowawayPostgres() {
	const binDir = findBinDir();
	if (!binDir) {
		throw new Error(
			'PostgreSQL tests need initdb and pg_ctl (Debian package `postgresql`), or DATABASE_URL ' +
				'pointing at a database the tests may write to.'
		);
	}
	const root = process.getuid?.() === 0;
	const runAs = root ? 'postgres' : null;
	const dir = mkdtempSync(join(tmpdir(), 'parcel-ledger-pg-'));
	const dataDir = join(dir, 'data');
	chmodSync(dir, 0o755);
	const owner = runAs
		? {
				uid: Number(execFileSync('id', ['-u', runAs], { encoding: 'utf8' }).trim()),
				gid: Number(execFileSync('id', ['-g', runAs], { encoding: 'utf8' }).trim())
			}
		: null;
	if (owner) chownSync(dir, owner.uid, owner.gid);
	const port = await freePort();
	const as = (cmd, args) => {
		const full = join(binDir, cmd);
		const [c, a] = runAs ? ['runuser', ['-u', runAs, '--', full, ...args]] : [full, args];
		const r = spawnSync(c, a, { encoding: 'utf8', cwd: dir });
		if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
		return r.stdout;
	};
	as('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
	const conf = [
		`listen_addresses = '127.0.0.1'`,
		`port = ${port}`,
		`unix_socket_directories = '${dir}'`,
		`max_connections = 200`,
		`fsync = on`,
		`shared_buffers = 128MB`
	].join('\n');
	writeFileSync(join(dataDir, 'postgresql.auto.conf'), conf + '\n');
	if (owner) chownSync(join(dataDir, 'postgresql.auto.conf'), owner.uid, owner.gid);
	const logFile = join(dir, 'server.log');
	as('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start']);
	const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
	return {
		url,
		dataDir,
		binDir,
		runAs,
		logFile,
		restartImmediate() {
			as('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-m', 'immediate', 'restart']);
		},
		stop() {
			try {
				as('pg_ctl', ['-D', dataDir, '-w', '-m', 'fast', 'stop']);
			} catch (e) {
				console.error(String(e));
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
