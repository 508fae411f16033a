// The core is pure: it must run unchanged in the browser, the server and the CLI.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = 'src/lib/core';
const allowed = [/^\.{1,2}\//, /^@automerge\/automerge(\/.*)?$/, /^@noble\//, /^valibot$/];

function files(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const p = join(dir, name);
		return statSync(p).isDirectory() ? files(p) : /\.(ts|js)$/.test(p) && !/\.test\.(ts|js)$/.test(p) ? [p] : [];
	});
}

describe('src/lib/core imports', () => {
	const sources = files(root);

	it('finds the core sources', () => {
		expect(sources.length).toBeGreaterThan(5);
	});

	it('imports only relative paths, Automerge, noble and the schema library', () => {
		const bad: string[] = [];
		for (const file of sources) {
			const text = readFileSync(file, 'utf8');
			for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
				const spec = m[1] ?? m[2];
				if (!allowed.some((re) => re.test(spec))) bad.push(`${file}: ${spec}`);
			}
		}
		expect(bad).toEqual([]);
	});

	it('uses no ambient I/O, clock or randomness', () => {
		const bad: string[] = [];
		const forbidden = /\b(fetch\(|Date\.now\(|new Date\(\)|Math\.random\(|crypto\.getRandomValues|localStorage|indexedDB|process\.|document\.|window\.)/;
		for (const file of sources) {
			readFileSync(file, 'utf8')
				.split('\n')
				.forEach((line, i) => {
					if (!line.trim().startsWith('//') && forbidden.test(line)) bad.push(`${file}:${i + 1}: ${line.trim()}`);
				});
		}
		expect(bad).toEqual([]);
	});
});
