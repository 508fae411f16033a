import { describe, expect, it } from 'vitest';
import { formatEnrolment, parseEnrolment } from './enrolment';

describe('enrolment codes', () => {
	const key = Uint8Array.from({ length: 32 }, (_, i) => i);
	it('round-trips a key and a name with spaces and accents', () => {
		const code = formatEnrolment({ publicKey: key, name: 'Zoë  Field-Smith' });
		expect(code).toBe(`parcel-ledger-enrol:1:${Buffer.from(key).toString('hex')}:Zo%C3%AB%20%20Field-Smith`);
		const back = parseEnrolment(`  ${code}\n`);
		expect(back.ok && back.value.name).toBe('Zoë  Field-Smith');
		expect(back.ok && [...back.value.publicKey]).toEqual([...key]);
	});
	it('refuses wrong prefixes, short keys, empty names and extra fields', () => {
		const hex = Buffer.from(key).toString('hex');
		for (const bad of ['hello', `parcel-ledger-enrol:2:${hex}:A`, `parcel-ledger-enrol:1:${hex.slice(2)}:A`, `parcel-ledger-enrol:1:${hex}:`, `parcel-ledger-enrol:1:${hex}:A:B`, `parcel-ledger-enrol:1:${hex}:%E0%A4%A`]) {
			expect(parseEnrolment(bad).ok, bad).toBe(false);
		}
	});
});
