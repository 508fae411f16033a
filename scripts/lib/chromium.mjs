// Makes sure the Debian `chromium` package is present; test tools never download browsers here.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function ensureChromium() {
	if (existsSync(CHROMIUM)) return CHROMIUM;
	const root = process.getuid?.() === 0;
	const sudo = root ? [] : ['sudo', '-n'];
	console.log('[test] /usr/bin/chromium is missing: installing the Debian package `chromium` …');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const apt = (args) => {
		const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
		return spawnSync(cmd, rest, { stdio: 'inherit', env }).status === 0;
	};
	if (!apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'])) {
		apt(['update']);
		apt(['install', '-y', '--no-install-recommends', 'chromium', 'fonts-dejavu-core']);
	}
	if (!existsSync(CHROMIUM)) {
		throw new Error(
			'Chromium is needed for the browser tests and could not be installed. ' +
				'Install it with `sudo apt-get install chromium` (Debian) or set CHROMIUM_PATH.'
		);
	}
	return CHROMIUM;
}
