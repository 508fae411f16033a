import { json } from '@sveltejs/kit';
import { DISTRICT_PATTERN, PARCEL_ID_PATTERN } from '$lib/core/record/ids';
import type { PartName } from '$lib/core/record/parts';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError, intParam } from '$lib/server/http/respond';
import { entryJson } from '$lib/server/http/entries-json';
import { mayReadPrivate } from '$lib/server/http/access';
import { purposeOf, recordAccess } from '$lib/server/privacy/access-log';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 5000;

/**
 * GET /api/snapshot — the districts; GET /api/snapshot?district=RIV&after=<parcel id>&limit=N — a page of a district for a fresh
 * device (docs/protocol.md "Snapshot"): per parcel its public search row and, per part, the
 * concatenation of its change bytes in log order (Automerge.load reads that as a document).
 * Documents are never materialized here. `size`: every change of these parcels below it is
 * included, and the device follows /api/sync from there. Private bodies only for a signed-in
 * editor of the district; key entries (to replay authorization) only on the first page.
 */
export const GET = endpoint(async ({ url, locals, request }, rt) => {
	const { ledger, projection } = rt;
	// Without a district: which districts there are, and how many parcels each has.
	if (!url.searchParams.has('district')) return json({ districts: await projection.districts() });
	const district = url.searchParams.get('district') ?? '';
	if (!DISTRICT_PATTERN.test(district)) throw new HttpError('bad-request', 'district must be a district code like RIV');
	const after = url.searchParams.get('after');
	if (after !== null && !PARCEL_ID_PATTERN.test(after)) throw new HttpError('bad-request', 'after must be a parcel id like RIV-000123');
	const limit = Math.min(intParam(url, 'limit', DEFAULT_LIMIT), MAX_LIMIT);
	if (limit < 1) throw new HttpError('bad-request', 'limit must be at least 1');

	// Private bodies leave only once the log records who read them (a district-wide access). It is
	// recorded first, so the checkpoint this page carries already includes it.
	const privateOk = mayReadPrivate(locals.editor, `${district}-0`);
	if (locals.editor && privateOk) await recordAccess(rt, locals.editor, [district], purposeOf(request, locals.editor));

	// Rows reflect at least every entry below the projected size; changes are cut at the same size,
	// so a parcel's bytes never run ahead of what /api/sync will deliver from `size`.
	const size = Math.min(ledger.sequencer.size, await projection.projectedSize());
	const checkpoint = ledger.sequencer.checkpoint; // read after `size`: its tree size is ≥ size
	const rows = await projection.listParcels(district, after, limit);
	const changes = await ledger.store.changesOfParcels(
		rows.map((r) => r.id),
		size
	);
	const bodies = new Map<string, Uint8Array[]>();
	for (const c of changes) {
		const key = `${c.parcel}\u0000${c.part}`;
		const list = bodies.get(key);
		if (c.erased) continue; // erased on a legal request: never served again
		if (list) list.push(c.body);
		else bodies.set(key, [c.body]);
	}
	const parcels = rows.map(({ record: _record, lastIndex: _last, editCount: _count, ...row }) => {
		const parts: Partial<Record<PartName, string>> = {};
		const withheld: PartName[] = [];
		for (const part of ['parcel', 'valuation', 'title', 'private'] as const) {
			const list = bodies.get(`${row.id}\u0000${part}`);
			if (!list) continue;
			if (part === 'private' && !privateOk) withheld.push(part);
			else parts[part] = Buffer.concat(list).toString('base64');
		}
		return { row, parts, withheld };
	});
	const first = after === null;
	const total = first ? ((await projection.districts()).find((d) => d.district === district)?.parcels ?? 0) : undefined;
	const keyEntries = first ? (await ledger.store.keyEntries()).filter((e) => e.index < ledger.sequencer.size).map(entryJson) : undefined;
	const next = rows.length === limit ? rows[rows.length - 1].id : null;
	return json({ district, size, checkpoint, total, keyEntries, parcels, next });
});
