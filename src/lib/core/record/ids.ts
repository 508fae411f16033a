// Parcel identifiers: `<DISTRICT>-<LOCAL>`, e.g. `RIV-000123`.
// The district is part of the stable identifier on purpose: a key grant names districts, and a
// log entry names only the parcel, so the server (and any verifier) can check a key's district
// scope from the entry alone, without a lookup table that could change under it. The price is
// that a parcel never moves district; a boundary change retires it and creates a new parcel.

/** A string that passed `parseParcelId`. */
export type ParcelId = string & { readonly __parcelId: unique symbol };

export const DISTRICT_PATTERN = /^[A-Z0-9]{2,8}$/;
export const PARCEL_ID_PATTERN = /^([A-Z0-9]{2,8})-([A-Z0-9]{1,24})$/;

export type ParsedParcelId = { ok: true; id: ParcelId; district: string; local: string };
export type ParcelIdFailure = { ok: false; code: 'bad-parcel-id'; message: string };

export function parseParcelId(input: string): ParsedParcelId | ParcelIdFailure {
	const m = PARCEL_ID_PATTERN.exec(input);
	if (!m) {
		return {
			ok: false,
			code: 'bad-parcel-id',
			message: `parcel id ${JSON.stringify(input.slice(0, 40))} is not DISTRICT-LOCAL (A–Z, 0–9; 2–8 and 1–24 characters)`
		};
	}
	return { ok: true, id: input as ParcelId, district: m[1], local: m[2] };
}

export const isParcelId = (input: unknown): input is ParcelId =>
	typeof input === 'string' && PARCEL_ID_PATTERN.test(input);

/** The district of a well-formed parcel id, or null for anything else. */
export function districtOf(parcelId: string): string | null {
	const m = PARCEL_ID_PATTERN.exec(parcelId);
	return m ? m[1] : null;
}
