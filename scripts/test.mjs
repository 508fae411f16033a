// `npm test`: provisions Chromium and a throwaway PostgreSQL, builds the app, runs Vitest then
// Playwright, and ends with one line `N passed, N failed, N skipped` over both runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium, ensureGdal } from './lib/chromium.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';

const CI = !!process.env.CI && process.env.CI !== 'false';
const only = process.argv[2]; // optional: 'unit' or 'e2e'
const results = [];

function run(label, cmd, args, env) {
	console.log(`\n[test] ${label}: ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { stdio: 'inherit', env });
	return r.status ?? 1;
}

function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch {
		return null;
	}
}

let pg = null;
let exitCode = 0;
try {
	const env = { ...process.env };
	// The app under test uses SQLite unless a test asks for PostgreSQL through PG_TEST_URL.
	if (process.env.DATABASE_URL) {
		env.PG_TEST_URL = process.env.DATABASE_URL;
	} else {
		try {
			pg = await startThrowawayPostgres();
			env.PG_TEST_URL = pg.url;
			env.PG_TEST_DATADIR = pg.dataDir;
			env.PG_TEST_BINDIR = pg.binDir;
			env.PG_TEST_LOGFILE = pg.logFile;
			if (pg.runAs) env.PG_TEST_RUNAS = pg.runAs;
			console.log(`[test] throwaway PostgreSQL at ${pg.url}`);
		} catch (e) {
			if (CI) throw e;
			console.warn(`[test] PostgreSQL unavailable, its tests will be skipped: ${e.message}`);
		}
	}
	delete env.DATABASE_URL;
	mkdirSync('test-results', { recursive: true });

	if (only !== 'e2e') {
		rmSync('test-results/vitest.json', { force: true });
		const code = run('unit and integration tests', 'npx', [
			'vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile.json=test-results/vitest.json'
		], env);
		const j = readJson('test-results/vitest.json');
		results.push({
			name: 'vitest',
			passed: j?.numPassedTests ?? 0,
			failed: (j?.numFailedTests ?? 0) + (code !== 0 && !j?.numFailedTests ? 1 : 0),
			skipped: (j?.numPendingTests ?? 0) + (j?.numTodoTests ?? 0)
		});
	}

	if (only !== 'unit') {
		env.CHROMIUM_PATH = ensureChromium();
		ensureGdal();
		if (run('build', 'npx', ['vite', 'build', '--logLevel', 'warn'], env) !== 0) {
			results.push({ name: 'build', passed: 0, failed: 1, skipped: 0 });
		} else {
			rmSync('test-results/playwright.json', { force: true });
			const code = run('browser tests', 'npx', ['playwright', 'test'], env);
			const s = readJson('test-results/playwright.json')?.stats;
			results.push({
				name: 'playwright',
				passed: (s?.expected ?? 0) + (s?.flaky ?? 0),
				failed: (s?.unexpected ?? 0) + (code !== 0 && !s?.unexpected ? 1 : 0),
				skipped: s?.skipped ?? 0
			});
		}
	}
} catch (e) {
	console.error(`[test] ${e.message}`);
	results.push({ name: 'setup', passed: 0, failed: 1, skipped: 0 });
} finally {
	pg?.stop();
}

const total = results.reduce(
	(a, r) => ({ passed: a.passed + r.passed, failed: a.failed + r.failed, skipped: a.skipped + r.skipped }),
	{ passed: 0, failed: 0, skipped: 0 }
);
for (const r of results) console.log(`[test] ${r.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
if (total.passed === 0) {
	console.error('[test] no test ran: that is a failure, not a pass.');
	exitCode = 1;
}
if (CI && total.skipped > 0) {
	console.error('[test] under CI no test may skip (PostgreSQL and browser tests are required).');
	exitCode = 1;
}
if (total.failed > 0) exitCode = 1;
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(exitCode);
