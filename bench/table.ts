// One row of `npm run bench`: a figure beside a limit measured on the same machine in the same
// run, so the ratio means something on a noisy shared machine.
export interface BenchRow {
	name: string;
	value: number;
	unit: string;
	/** What the figure is compared with (a raw rate, or a fixed target), and its unit. */
	limit?: { value: number; unit: string; what: string };
	ratio?: number;
	/** e.g. '≥ 0.8' or '≤ 20 ms' */
	target?: string;
	ok?: boolean;
}

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

export function markdownTable(rows: BenchRow[]): string {
	const lines = ['| figure | value | limit (same run) | ratio | target | met |', '| --- | --- | --- | --- | --- | --- |'];
	for (const r of rows) {
		lines.push(
			`| ${r.name} | ${fmt(r.value)} ${r.unit} | ${r.limit ? `${fmt(r.limit.value)} ${r.limit.unit} (${r.limit.what})` : ''} | ${r.ratio === undefined ? '' : fmt(r.ratio)} | ${r.target ?? ''} | ${r.ok === undefined ? '' : r.ok ? 'yes' : '**no**'} |`
		);
	}
	return lines.join('\n');
}

export function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
