// The public record as the parcel page shows it: plain rows for facts, buildings, assessments,
// rights and sources. Read defensively: a merge (or a hostile editor) can leave any field
// missing or mistyped, and the page must still render what there is.
import type { Geometry } from '../../core/record/geometry';
import { getOwn } from '../../core/record/json';
import { byKey, factsOf, num, obj, str, type ParcelFacts } from '../../core/record/summary';
import type { ParcelRow } from '../projection/types';
import { describeGeometry, type GeometryDescription } from './geometry-text';

export interface RecordView extends ParcelFacts {
	id: string;
	notes: string;
	buildings: { key: string; use: string; floors: number | null; yearBuilt: number | null; floorArea: number | null }[];
	photos: number;
	assessments: { year: string; land: number | null; improvements: number | null; total: number | null; assessor: string; date: string }[];
	rights: { key: string; type: string; holder: string; holderKind: string; share: string; start: string; end: string | null; source: string | null }[];
	sources: { hash: string; kind: string; title: string; date: string; size: number | null }[];
	geometry: Geometry | null;
	shape: GeometryDescription | null;
	lastIndex: number;
	editCount: number;
}

export function recordView(row: ParcelRow): RecordView {
	const r = row.record;
	const parties = obj(getOwn(r, 'parties'));
	const sources = obj(getOwn(r, 'sources'));
	return {
		id: row.id,
		...factsOf(row),
		notes: str(getOwn(r, 'notes')),
		buildings: byKey(obj(getOwn(r, 'buildings'))).map(([key, b]) => {
			const o = obj(b);
			return { key, use: str(getOwn(o, 'use')), floors: num(getOwn(o, 'floors')), yearBuilt: num(getOwn(o, 'yearBuilt')), floorArea: num(getOwn(o, 'floorArea')) };
		}),
		photos: Object.keys(obj(getOwn(r, 'photos'))).length,
		assessments: byKey(obj(getOwn(r, 'assessments')))
			.reverse()
			.map(([year, a]) => {
				const o = obj(a);
				return { year, land: num(getOwn(o, 'land')), improvements: num(getOwn(o, 'improvements')), total: num(getOwn(o, 'total')), assessor: str(getOwn(o, 'assessor')), date: str(getOwn(o, 'date')) };
			}),
		rights: byKey(obj(getOwn(r, 'rights'))).map(([key, x]) => {
			const o = obj(x);
			const holderKey = str(getOwn(o, 'holder'));
			const party = obj(getOwn(parties, holderKey));
			const share = obj(getOwn(o, 'share'));
			const [n, d] = [num(getOwn(share, 'num')), num(getOwn(share, 'den'))];
			const source = str(getOwn(o, 'source'));
			return {
				key,
				type: str(getOwn(o, 'type')),
				holder: str(getOwn(party, 'name')) || holderKey,
				holderKind: str(getOwn(party, 'kind')),
				share: n !== null && d !== null ? (n === d ? 'whole' : `${n}/${d}`) : '',
				start: str(getOwn(o, 'start')),
				end: str(getOwn(o, 'end')) || null,
				source: source ? str(getOwn(obj(getOwn(sources, source)), 'title')) || `document ${source.slice(0, 12)}…` : null
			};
		}),
		sources: byKey(sources).map(([hash, s]) => {
			const o = obj(s);
			return { hash, kind: str(getOwn(o, 'kind')), title: str(getOwn(o, 'title')), date: str(getOwn(o, 'date')), size: num(getOwn(o, 'size')) };
		}),
		geometry: row.geometry,
		shape: row.geometry ? describeGeometry(row.geometry) : null,
		lastIndex: row.lastIndex,
		editCount: row.editCount
	};
}
