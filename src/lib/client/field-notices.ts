// Public notices on the field device (issue 21): when a parcel screen is open online, the parcel's
// notices from GET /api/parcels/:id are kept in the `notices` table (one row per parcel), so the
// screen shows them offline too and an assessor can object to an open one. The server's JSON is
// shown as fetched, not verified here: an objection signs only the notice's index, and the log
// alone decides (its clock) whether it came before the deadline (422 `notice-closed` otherwise).
import type { PublicNotice } from '../core/claims/types';
import type { FieldDatabase } from './db';
import { getJson, type Fetch } from './http';

export interface NoticesRow {
	parcelId: string;
	notices: PublicNotice[];
	/** This device's clock when they were fetched: the states are as of then. */
	fetchedAt: number;
}

/** Fetches the parcel's notices and keeps them; false when the server cannot be reached or refuses. */
export async function refreshNotices(db: FieldDatabase, f: Fetch, parcelId: string, now = Date.now()): Promise<boolean> {
	let notices: PublicNotice[];
	try {
		({ notices } = await getJson<{ notices?: PublicNotice[] }>(f, `/api/parcels/${encodeURIComponent(parcelId)}`).then((r) => ({ notices: r.notices ?? [] })));
	} catch {
		return false;
	}
	await db.notices.put({ parcelId, notices, fetchedAt: now });
	return true;
}

export type NoticeShown = PublicNotice['state'] | 'deadline-passed';

/**
 * The state to show at `now` (this device's clock): an `open` notice whose deadline has passed
 * since it was fetched shows as `deadline-passed` (the log's next answer says blocked or closed).
 */
export const shownState = (n: PublicNotice, now: number): NoticeShown => (n.state === 'open' && now >= n.deadline ? 'deadline-passed' : n.state);

export const NOTICE_STATE_LABELS: Record<NoticeShown, string> = {
	open: 'Open for objections',
	'deadline-passed': 'Deadline passed (by this device’s clock); waiting for the log’s answer',
	blocked: 'Blocked: an objection filed before the deadline is undecided',
	closed: 'Closed: no open objection; the change may be logged',
	applied: 'Applied: the change is logged'
};
