import { describe, expect, it } from 'vitest';
import { newIssues, sortIssues } from './issues';

describe('issues', () => {
	it('finds the issues an edit adds', () => {
		const before = [{ path: 'a', message: 'x' }];
		const after = [
			{ path: 'a', message: 'x' },
			{ path: 'a', message: 'y' },
			{ path: 'b', message: 'x' }
		];
		expect(newIssues(before, after)).toEqual(after.slice(1));
	});

	it('sorts by path, then message', () => {
		const sorted = sortIssues([
			{ path: 'b', message: 'a' },
			{ path: 'a', message: 'z' },
			{ path: 'a', message: 'b' }
		]);
		expect(sorted.map((i) => i.path + i.message)).toEqual(['ab', 'az', 'ba']);
	});
});
