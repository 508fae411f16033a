// Who may read what: private-part bodies only for a signed-in editor whose grant covers the
// parcel's district. One rule, used by every endpoint that could return a private body.
import type { KeyRecord } from '../../core/log/authority';
import { districtOf } from '../../core/record/ids';
import { HttpError } from './respond';

export function mayReadPrivate(editor: KeyRecord | null, parcelId: string): boolean {
	if (!editor || editor.revokedAt !== null) return false;
	const d = districtOf(parcelId);
	return editor.districts.includes('*') || (d !== null && editor.districts.includes(d));
}

export function requireEditor(editor: KeyRecord | null): KeyRecord {
	if (!editor) throw new HttpError('not-signed-in', 'sign in with a granted key first');
	return editor;
}

export function requireRegistrar(editor: KeyRecord | null): KeyRecord {
	const e = requireEditor(editor);
	if (e.role !== 'registrar') throw new HttpError('forbidden', 'only registrars may do this');
	return e;
}
