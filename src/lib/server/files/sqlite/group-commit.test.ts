import { describe, expect, it } from 'vitest';
import { GroupCommit, outcomeOf, type Outcome } from './group-commit';

/** A group run the test ends by hand, recording who was in each group. */
function manual() {
	const groups: number[][] = [];
	const ends: (() => void)[] = [];
	const g = new GroupCommit<number, number>(
		(items) =>
			new Promise<Outcome<number>[]>((resolve) => {
				groups.push(items);
				ends.push(() => resolve(items.map((i) => (i < 0 ? { ok: false, error: new Error(`refused ${i}`) } : { ok: true, value: i * 10 }))));
			})
	);
	return { g, groups, end: () => ends.shift()!() };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
	it('runs the first member at once and everyone who asks meanwhile in one next run, after it ends', async () => {
		const { g, groups, end } = manual();
		const first = g.add(1);
		const later = [g.add(2), g.add(3), g.add(4)];
		await settle();
		expect(groups).toEqual([[1]]);
		end();
		expect(await first).toBe(10);
		await settle();
		expect(groups).toEqual([[1], [2, 3, 4]]);
		let answered = false;
		void Promise.all(later).then(() => (answered = true));
		await settle();
		expect(answered).toBe(false); // nobody is answered before the run covering them ended
		end();
		expect(await Promise.all(later)).toEqual([20, 30, 40]);
	});

	it('fails one member alone when the run says so, and the whole group when the run throws', async () => {
		const { g, end } = manual();
		const [a, b] = [g.add(5), g.add(-1)];
		end();
		await settle();
		end();
		expect(await a).toBe(50);
		await expect(b).rejects.toThrow('refused -1');
		const broken = new GroupCommit<number, number>(async () => {
			throw new Error('disk gone');
		});
		const all = await Promise.allSettled([broken.add(1), broken.add(2)]);
		expect(all.map((o) => o.status === 'rejected' && (o.reason as Error).message)).toEqual(['disk gone', 'disk gone']);
		// and it goes on: a later member gets a run of its own
		await expect(broken.add(3)).rejects.toThrow('disk gone');
	});

	it('with gather, members asking in the same turn of the event loop share the first run', async () => {
		const groups: string[][] = [];
		const g = new GroupCommit<string, string>((items) => (groups.push(items), items.map((i) => outcomeOf(() => i.toUpperCase()))), { gather: true });
		expect(await Promise.all([g.add('a'), g.add('b'), g.add('c')])).toEqual(['A', 'B', 'C']);
		expect(groups).toEqual([['a', 'b', 'c']]);
	});

	it('outcomeOf catches what one member throws', () => {
		expect(outcomeOf(() => 1)).toEqual({ ok: true, value: 1 });
		const e = new Error('no');
		expect(
			outcomeOf(() => {
				throw e;
			})
		).toEqual({ ok: false, error: e });
	});
});
