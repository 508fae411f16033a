// Everything the public parcel page shows, in one call: the projected record (never anything
// private), the public history as of the current checkpoint, and the entries with inclusion
// proofs so that the page's script can check them against the signed checkpoint itself.
import { toBase64 } from '../../core/bytes';
import type { ProofBundle } from '../../core/extract/proofs';
import type { Runtime } from '../runtime';
import { parcelHistory, type HistoryRow } from './history';
import { inclusionProofs, parcelLog } from './parcel-log';
import { recordView, type RecordView } from './record-view';
import { publicPhotos, type PublicPhoto } from './photos';

export interface ParcelPage {
	record: RecordView;
	/** The parcel part's photos, each marked when the server holds its file. */
	photos: PublicPhoto[];
	/** [minLon, minLat, maxLon, maxLat] of the shape, or null without one. */
	bbox: [number, number, number, number] | null;
	history: HistoryRow[];
	origin: string;
	checkpointSize: number;
	proofs: ProofBundle;
}

export async function loadParcelPage(rt: Pick<Runtime, 'ledger' | 'projection' | 'files'>, id: string): Promise<ParcelPage | null> {
	const row = await rt.projection.getParcel(id);
	if (!row) return null;
	const log = await parcelLog(rt.ledger, id);
	const history = await parcelHistory(rt.ledger, log);
	const proofs = await inclusionProofs(rt.ledger, log.entries.map((e) => e.index), log.size);
	return {
		record: recordView(row),
		photos: await publicPhotos(rt.files, row.record),
		bbox: row.bbox,
		history,
		origin: log.origin,
		checkpointSize: log.size,
		proofs: {
			verifierKey: log.verifierKey,
			checkpoint: log.checkpoint,
			items: log.entries.map((e, i) => ({ index: e.index, entry: toBase64(e.data), proof: proofs[i] }))
		}
	};
}
