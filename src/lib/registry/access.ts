// A parcel's private-read accounting as GET /api/parcels/<id>/access serves it (staff only).
import { getJson, type Fetch } from '../client/http';

export interface AccessRow {
	index: number;
	logTime: number;
	/** The parcel id, or a district code when a device downloaded the whole district. */
	scope: string;
	wholeDistrict: boolean;
	reader: string;
	readerName: string | null;
	readerRole: string | null;
	purpose: string;
}

export async function fetchAccess(f: Fetch, parcelId: string): Promise<AccessRow[]> {
	return (await getJson<{ accesses: AccessRow[] }>(f, `/api/parcels/${encodeURIComponent(parcelId)}/access`)).accesses;
}
