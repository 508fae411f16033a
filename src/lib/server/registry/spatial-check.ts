// The projector's spatial step: for parcels whose shape changed (or that are new, once the
// projection has caught up from empty), compare the shape with its neighbours' (found by bbox in
// the projection) before and after the change, and keep an issue per pair when:
// - they overlap by more than OVERLAP_TOLERANCE_M2 and the change made the overlap new or larger;
// - they touched before and now leave a sliver gap (TOUCH_TOLERANCE_M < width ≤ GAP_MAX_M).
// An issue that the change neither created nor cured is kept (with its new measure); one that no
// longer holds is dropped. The whole set for the changed parcels is replaced in saveParcels.
import { canonicalJson, type JsonValue } from '../../core/record/json';
import type { Geometry } from '../../core/record/geometry';
import type { BBox, ParcelRow, ProjectionStore } from '../projection/types';
import type { SpatialIssueRow } from '../projection/registry-types';
import { degreesFor, GAP_MAX_M, measurePair, OVERLAP_TOLERANCE_M2, TOUCH_TOLERANCE_M, type PairMeasure } from './spatial';

const MAX_NEIGHBOURS = 500;

const sameShape = (a: Geometry | null, b: Geometry | null): boolean =>
	a === null || b === null ? a === b : canonicalJson(a as unknown as JsonValue) === canonicalJson(b as unknown as JsonValue);

function grow(b: BBox, metres: number): BBox {
	const [dLon, dLat] = degreesFor(metres, (b[1] + b[3]) / 2);
	return [b[0] - dLon, b[1] - dLat, b[2] + dLon, b[3] + dLat];
}

/** Metres between two boxes (0 when they meet), a lower bound of the shapes' distance. */
function boxGap(a: BBox, b: BBox): number {
	const [kLon, kLat] = degreesFor(1, (a[1] + a[3]) / 2);
	const dx = Math.max(0, b[0] - a[2], a[0] - b[2]) / kLon;
	const dy = Math.max(0, b[1] - a[3], a[1] - b[3]) / kLat;
	return Math.hypot(dx, dy);
}

const union = (a: BBox, b: BBox | null): BBox => (b ? [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])] : a);
const meets = (a: BBox, b: BBox) => a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1];
const pairKey = (a: string, b: string, kind: string) => (a < b ? `${a}|${b}|${kind}` : `${b}|${a}|${kind}`);

/**
 * The spatial issues to write with this batch of rows, or null when no shape changed.
 * `previous` holds the stored rows of the batch's parcels before this save.
 */
export async function spatialStep(
	projection: ProjectionStore,
	rows: ParcelRow[],
	previous: Map<string, ParcelRow>,
	checkNew: boolean
): Promise<{ parcels: string[]; issues: SpatialIssueRow[] } | null> {
	const changed = rows.filter((r) => {
		const prev = previous.get(r.id);
		return prev ? !sameShape(prev.geometry, r.geometry) : checkNew && r.geometry !== null;
	});
	if (!changed.length) return null;
	const batch = new Map(rows.map((r) => [r.id, r]));
	const changedIds = new Set(changed.map((r) => r.id));

	// Neighbours: the projection's rows near each changed shape (old or new), the batch's own rows.
	const near = new Map<string, string[]>();
	const wanted = new Set<string>();
	for (const p of changed) {
		if (!p.bbox) continue;
		const region = grow(union(p.bbox, previous.get(p.id)?.bbox ?? null), GAP_MAX_M * 2);
		const found = await projection.search({ bbox: region, limit: MAX_NEIGHBOURS, offset: 0 });
		const ids = new Set(found.rows.map((r) => r.id));
		for (const r of rows) if (r.bbox && meets(r.bbox, region)) ids.add(r.id);
		ids.delete(p.id);
		near.set(p.id, [...ids]);
		for (const id of ids) if (!batch.has(id)) wanted.add(id);
	}
	const stored = new Map<string, ParcelRow>();
	const list = [...wanted];
	for (let i = 0; i < list.length; i += 1000) for (const r of await projection.getParcels(list.slice(i, i + 1000))) stored.set(r.id, r);
	const existing = new Map((await projection.spatialIssuesOf([...changedIds])).map((i) => [pairKey(i.parcelId, i.otherId, i.kind), i]));

	const issues = new Map<string, SpatialIssueRow>();
	const seen = new Set<string>();
	for (const p of changed) {
		for (const otherId of near.get(p.id) ?? []) {
			const n = batch.get(otherId) ?? stored.get(otherId);
			if (!n?.geometry || !p.geometry || seen.has(pairKey(p.id, otherId, ''))) continue;
			seen.add(pairKey(p.id, otherId, ''));
			// Too far apart for any issue: not worth clipping (an old issue of the pair is dropped).
			if (p.bbox && n.bbox && boxGap(p.bbox, n.bbox) > GAP_MAX_M) continue;
			const oldP = previous.get(p.id)?.geometry ?? null;
			const oldN = changedIds.has(otherId) ? (previous.get(otherId)?.geometry ?? null) : n.geometry;
			const after = measurePair(p.geometry, n.geometry);
			let measured: PairMeasure | null | undefined;
			const before = () => (measured === undefined ? (measured = oldP && oldN ? measurePair(oldP, oldN) : null) : measured);
			const base = { parcelId: p.id, otherId, district: p.district, otherDistrict: n.district, index: p.lastIndex };
			const keep = (kind: 'overlap' | 'gap', measure: number, isNew: boolean) => {
				const key = pairKey(p.id, otherId, kind);
				const old = existing.get(key);
				if (isNew) issues.set(key, { ...base, kind, measure });
				else if (old) issues.set(key, { ...old, measure });
			};
			if (after.overlap > OVERLAP_TOLERANCE_M2) keep('overlap', after.overlap, after.overlap > (before()?.overlap ?? 0) + OVERLAP_TOLERANCE_M2);
			if (after.distance > TOUCH_TOLERANCE_M && after.distance <= GAP_MAX_M) {
				const b = before();
				keep('gap', after.distance, b !== null && b.distance <= TOUCH_TOLERANCE_M);
			}
		}
	}
	return { parcels: [...changedIds], issues: [...issues.values()] };
}
