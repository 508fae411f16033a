// The conflict queue from GET /api/registry/conflicts (the server's projection of public parts;
// private-part conflicts are found in the browser when a parcel is opened).
import type { JsonValue } from '../core/record/json';
import type { PartName } from '../core/record/parts';
import type { NamedFile } from '../core/files/named-files';
import { getJson, type Fetch } from '../client/http';

export interface ConflictValueView {
	value: JsonValue;
	opId: string;
	actor: string;
	author: string | null;
	authorName: string;
	authorRole: string | null;
	authorRevokedAt: number | null;
	/** Hex of the actor's last 8 bytes: one tab session on one device. */
	device: string;
	claimedTime: number | null;
	logTime: number | null;
	index: number | null;
	/** Files the change that wrote the value attached (known on the parcel page, from its documents). */
	files?: NamedFile[];
}

export interface QueueItem {
	parcelId: string;
	district: string;
	part: PartName;
	path: string;
	lastIndex: number;
	values: ConflictValueView[];
}

export interface SpatialIssue {
	parcelId: string;
	otherId: string;
	district: string;
	otherDistrict: string;
	kind: 'overlap' | 'gap';
	measure: number;
	index: number;
}

export interface Queue {
	conflicts: QueueItem[];
	total: number;
	spatial: SpatialIssue[];
	spatialTotal: number;
	projectedSize: number;
	treeSize: number;
}

export function fetchQueue(f: Fetch, o: { district?: string; parcel?: string; limit?: number; offset?: number }): Promise<Queue> {
	const p = new URLSearchParams();
	if (o.parcel) p.set('parcel', o.parcel);
	if (o.district) p.set('district', o.district);
	p.set('limit', String(o.limit ?? 50));
	p.set('offset', String(o.offset ?? 0));
	return getJson<Queue>(f, `/api/registry/conflicts?${p}`);
}

export const itemKey = (i: { parcelId: string; part: string; path: string }) => `${i.parcelId}|${i.part}|${i.path}`;
