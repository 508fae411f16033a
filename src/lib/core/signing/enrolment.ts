// Enrolment codes: how a new device's public key and its holder's name reach a registrar
// (as text or a QR code) to be granted. `parcel-ledger-enrol:1:<key hex>:<name, URI-encoded>`.
import { fromHex, toHex } from '../bytes';

const PREFIX = 'parcel-ledger-enrol:1:';

export interface Enrolment {
	publicKey: Uint8Array;
	name: string;
}

export function formatEnrolment(e: Enrolment): string {
	if (e.publicKey.length !== 32) throw new RangeError('an Ed25519 public key is 32 bytes');
	return `${PREFIX}${toHex(e.publicKey)}:${encodeURIComponent(e.name.trim())}`;
}

export function parseEnrolment(code: string): { ok: true; value: Enrolment } | { ok: false; message: string } {
	const text = code.trim();
	if (!text.startsWith(PREFIX)) return { ok: false, message: `an enrolment code starts with ${PREFIX}` };
	const [hex, encodedName, ...rest] = text.slice(PREFIX.length).split(':');
	if (rest.length || !/^[0-9a-f]{64}$/.test(hex ?? '')) return { ok: false, message: 'the key in the code is not 64 hex digits' };
	let name: string;
	try {
		name = decodeURIComponent(encodedName ?? '').trim();
	} catch {
		return { ok: false, message: 'the name in the code is not valid' };
	}
	if (!name || name.length > 200) return { ok: false, message: 'the code names nobody (1–200 characters)' };
	return { ok: true, value: { publicKey: fromHex(hex), name } };
}
