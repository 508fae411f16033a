// Profiling aid: CPU profile of verifyPage (the device's page check, core plain-JS sha256) over
// synthetic snapshot pages in Node, whose V8 is the tablet's; prints the time of each step.
//   node --import tsx bench/profile-verify.ts [parcels] → /tmp/verify.cpuprofile
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { parseCheckpoint } from '../src/lib/core/log/checkpoint';
import { mapRootOf } from '../src/lib/core/map/log-map';
import type { SnapshotPage } from '../src/lib/client/bootstrap';
import { verifyPage } from '../src/lib/client/page-verify';
import { synthesize } from './field-synthetic';

// Chromium decodes base64 natively (client/base64.ts); Node 20 has no Uint8Array.fromBase64, so
// Buffer stands in for it here, or the core's JS decoder would dominate the profile.
Object.assign(Uint8Array, { fromBase64: (s: string) => new Uint8Array(Buffer.from(s, 'base64')) });
Object.assign(Uint8Array.prototype, {
	setFromBase64(this: Uint8Array, s: string) {
		const b = Buffer.from(s, 'base64');
		this.set(b);
		return { read: s.length, written: b.length };
	}
});
const N = Number(process.argv[2] ?? 10_000);
const PAGE = 500;
const data = await synthesize(N, PAGE);
const pages = data.pages.map((p) => JSON.parse(p) as SnapshotPage);
const cp = parseCheckpoint(pages[0].checkpoint.slice(0, pages[0].checkpoint.indexOf('\n\n') + 1));
if (!cp.ok) throw new Error(cp.message);
const root = mapRootOf(cp.value);
if (!root.ok) throw new Error(root.message);
const run = async () => {
	const t = performance.now();
	for (const [i, page] of pages.entries()) {
		const v = await verifyPage(page, i === 0 ? null : `BEN-${String(i * PAGE - 1).padStart(6, '0')}`, root.value, 'js');
		if (!v.ok) throw new Error(v.message);
	}
	return performance.now() - t;
};
for (let i = 0; i < 2; i++) console.log(`warm-up ${(await run()).toFixed(0)} ms`);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const ms = await run();
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/verify.cpuprofile', JSON.stringify(profile));
console.log(`verifyPage of ${pages.length} pages (${N} parcels): ${ms.toFixed(0)} ms`);
