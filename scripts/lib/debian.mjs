// Installs a Debian package when one of its programs is missing (apt-get as root, else sudo -n).
// Test tools never download their own browsers or binaries here; Debian's packages are the source.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function ensureDebianPackage({ program, packages, why }) {
	if (existsSync(program)) return program;
	const root = process.getuid?.() === 0;
	const sudo = root ? [] : ['sudo', '-n'];
	console.log(`[test] ${program} is missing: installing the Debian package(s) ${packages.join(' ')} …`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = (args) => {
		const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
		return spawnSync(cmd, rest, { stdio: 'inherit', env }).status === 0;
	};
	if (!apt(['install', '-y', '--no-install-recommends', ...packages])) {
		apt(['update']);
		apt(['install', '-y', '--no-install-recommends', ...packages]);
	}
	if (!existsSync(program)) {
		throw new Error(`${why} need ${program} and it could not be installed. Install it with \`sudo apt-get install ${packages.join(' ')}\`.`);
	}
	return program;
}
