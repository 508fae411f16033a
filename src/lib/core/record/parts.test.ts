import { describe, expect, it } from 'vitest';
import {
	PART_CODES,
	PART_NAMES,
	PUBLIC_PARTS,
	ROLE_CODES,
	ROLES,
	mayWrite,
	partFromCode,
	roleFromCode,
	writeRefusal
} from './parts';

describe('parts and roles', () => {
	it('has the agreed binary codes', () => {
		expect(PART_CODES).toEqual({ parcel: 1, valuation: 2, title: 3, private: 4 });
		expect(ROLE_CODES).toEqual({ assessor: 1, registrar: 2 });
		for (const p of PART_NAMES) expect(partFromCode(PART_CODES[p])).toBe(p);
		for (const r of ROLES) expect(roleFromCode(ROLE_CODES[r])).toBe(r);
		expect(partFromCode(0)).toBeNull();
		expect(partFromCode(5)).toBeNull();
		expect(roleFromCode(3)).toBeNull();
	});

	it('is THE table of who writes what', () => {
		const table = Object.fromEntries(PART_NAMES.map((p) => [p, ROLES.filter((r) => mayWrite(r, p))]));
		expect(table).toEqual({
			parcel: ['assessor', 'registrar'],
			valuation: ['assessor'],
			title: ['registrar'],
			private: ['assessor', 'registrar']
		});
	});

	it('gives a human reason when a role may not write', () => {
		expect(writeRefusal('assessor', 'title')).toBe('Only registrars may change ownership and rights');
		expect(writeRefusal('registrar', 'valuation')).toBe('Only assessors may change valuations');
		expect(writeRefusal('assessor', 'parcel')).toBeNull();
	});

	it('refuses unknown roles and parts at run time', () => {
		// Values from the wire are not typed; the table must not be fooled by them.
		expect(mayWrite('admin' as never, 'parcel')).toBe(false);
		expect(mayWrite('assessor', 'toString' as never)).toBe(false);
	});

	it('keeps private out of the public parts', () => {
		expect([...PUBLIC_PARTS]).toEqual(['parcel', 'valuation', 'title']);
	});
});
