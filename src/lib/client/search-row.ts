// Search rows: built from the snapshot's server row at bootstrap (no Automerge work), and from
// the device's own documents after an edit or a pull. The summary, shape and words are read as the
// server's projection reads them (core/record/summary.ts), so both find the same parcels.
import { emptySummary, readOwners, readParcel, readValuation, searchWords, summaryOf, type ParcelShape, type ParcelSummary } from '../core/record/summary';
import type { JsonObject } from '../core/record/json';
import type { PartName } from '../core/record/parts';
import type { SearchRow } from './db';

type RowFields = ParcelSummary & ParcelShape;

export function finishRow(r: RowFields): SearchRow {
	const cx = r.bbox ? (r.bbox[0] + r.bbox[2]) / 2 : null;
	const cy = r.bbox ? (r.bbox[1] + r.bbox[3]) / 2 : null;
	return { ...summaryOf(r), geometry: r.geometry, bbox: r.bbox, cx, cy, words: searchWords(r) };
}

/** The snapshot's row (the server projection's ParcelRow without `record`). */
export interface ServerRow extends RowFields {
	lastIndex?: number;
}

export const rowFromServer: (r: ServerRow) => SearchRow = finishRow;

export const emptyRow: (id: string) => RowFields = emptySummary;

/** The row with the fields one public part determines replaced from that part's plain value. */
export function updateRow(row: RowFields, part: PartName, plain: JsonObject): SearchRow {
	if (part === 'parcel') return finishRow({ ...row, ...readParcel(plain) });
	if (part === 'valuation') return finishRow({ ...row, ...readValuation(plain) });
	if (part === 'title') return finishRow({ ...row, owners: readOwners(plain) });
	return finishRow(row);
}
