import { describe, expect, it } from 'vitest';
import { validatePart } from './schema';
import { DEED_HASH, PHOTO_HASH, sampleParcel, samplePrivate, sampleTitle, sampleValuation } from './samples';

const issuesOf = (r: ReturnType<typeof validatePart>) => (r.ok ? [] : r.issues);

describe('validatePart', () => {
	it('accepts the samples of every part and returns the typed value', () => {
		for (const [part, value] of [
			['parcel', sampleParcel()],
			['valuation', sampleValuation()],
			['title', sampleTitle()],
			['private', samplePrivate()]
		] as const) {
			const r = validatePart(part, value);
			expect(issuesOf(r), part).toEqual([]);
			expect(r.ok && r.value).toEqual(value);
		}
	});

	it('reports every parcel problem at once, each with its dotted path', () => {
		const p = sampleParcel() as unknown as Record<string, unknown>;
		p.id = 'riv-1';
		p.status = 'gone';
		delete p.locality;
		p.recordedArea = -3;
		p.adressLine = 'typo';
		p.buildings = { b1: { use: '', floors: 1.5, floorArea: 10 }, 'b.2': { use: 'x', floors: 1, floorArea: 1 } };
		p.photos = { [PHOTO_HASH]: { caption: 'x', takenAt: 'yesterday', width: 0, height: 1, bytes: 1 } };
		p.geometry = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] };
		expect(issuesOf(validatePart('parcel', p))).toEqual([
			{ path: 'adressLine', message: 'unknown field' },
			{ path: 'buildings.b.2', message: 'must be 1–64 letters, digits, _ or -, not starting with _ or -' },
			{ path: 'buildings.b1.floors', message: 'must be a whole number' },
			{ path: 'buildings.b1.use', message: 'must not be empty' },
			{ path: 'geometry.coordinates.0', message: 'a ring must be closed (last position = first)' },
			{ path: 'id', message: 'must be DISTRICT-LOCAL, e.g. RIV-000123' },
			{ path: 'locality', message: 'required' },
			{ path: `photos.${PHOTO_HASH}.takenAt`, message: 'must be a timestamp as YYYY-MM-DDThh:mm[:ss]Z or with an offset' },
			{ path: `photos.${PHOTO_HASH}.width`, message: 'must be at least 1' },
			{ path: 'recordedArea', message: 'must not be negative' },
			{ path: 'status', message: 'must be active, retired or pending' }
		]);
	});

	it('checks that an assessment total is land + improvements', () => {
		const v = sampleValuation();
		v.assessments['2025'] = { land: 1, improvements: 2, total: 4, assessor: 'B', date: '2025-02-30' };
		expect(issuesOf(validatePart('valuation', v))).toEqual([
			{ path: 'assessments.2025.date', message: 'must be a date as YYYY-MM-DD' },
			{ path: 'assessments.2025.total', message: 'total must equal land + improvements (3)' }
		]);
	});

	it('checks holders, sources, dates, share fractions and share sums in the title', () => {
		const t = sampleTitle();
		t.rights.r1.share = { num: 1, den: 3 };
		t.rights.r3 = { type: 'ownership', holder: 'p9', share: { num: 1, den: 3 }, start: '2020-01-01', end: '2019-01-01' };
		t.rights.r4 = { type: 'lease', holder: 'p1', share: { num: 3, den: 2 }, start: '2020-01-01', source: 'e'.repeat(64) };
		expect(issuesOf(validatePart('title', t))).toEqual([
			{ path: 'rights', message: 'shares of ownership rights sum to 2/3; they must sum to exactly 1' },
			{ path: 'rights.r3.end', message: 'end must not be before start' },
			{ path: 'rights.r3.holder', message: 'no party "p9" in parties' },
			{ path: 'rights.r4.share', message: 'share must be a fraction num/den with 0 < num ≤ den' },
			{ path: 'rights.r4.source', message: 'no such document in sources' }
		]);
	});

	it('sums shares exactly, beyond what floats can', () => {
		const t = sampleTitle();
		delete t.rights.r1.source;
		t.rights.r1.share = { num: 1, den: 3 };
		t.rights.r3 = { type: 'ownership', holder: 'p2', share: { num: 1, den: 3 }, start: '2020-01-01' };
		t.rights.r5 = { type: 'ownership', holder: 'p2', share: { num: 1, den: 3 }, start: '2020-01-01', source: DEED_HASH };
		expect(issuesOf(validatePart('title', t))).toEqual([]);
		// 1/10 + 2/10 + 7/10 is 1 exactly, and 0.1 + 0.2 + 0.7 is 0.9999999999999999 in floats.
		t.rights.r1.share = { num: 1, den: 10 };
		t.rights.r3.share = { num: 2, den: 10 };
		t.rights.r5.share = { num: 7, den: 10 };
		expect(issuesOf(validatePart('title', t))).toEqual([]);
		t.rights.r5.share = { num: 2 ** 51, den: 2 ** 52 };
		expect(issuesOf(validatePart('title', t))).toEqual([
			{ path: 'rights', message: 'shares of ownership rights sum to 4/5; they must sum to exactly 1' }
		]);
	});

	it('validates private contacts', () => {
		const p = samplePrivate();
		p.contacts.p2 = { email: 'not-an-address', phone: 'call me' };
		p.nationalIds.p2 = ' ';
		expect(issuesOf(validatePart('private', p))).toEqual([
			{ path: 'contacts.p2.email', message: 'must be an e-mail address' },
			{ path: 'contacts.p2.phone', message: 'must be a phone number (digits, spaces, + ( ) . / -)' },
			{ path: 'nationalIds.p2', message: 'must not be empty' }
		]);
	});

	it('keeps claimants by claim identity: a name and a contact, nothing else', () => {
		const p = samplePrivate();
		const id = 'ab'.repeat(32);
		expect(issuesOf(validatePart('private', { ...p, claimants: { [id]: { name: 'Ada Lovelace', contact: 'ada@example.org' } } }))).toEqual([]);
		expect(issuesOf(validatePart('private', { ...p, claimants: { c1: { name: 'A', contact: '' }, [id]: { name: ' ', contact: '', phone: '1' } } })).map((i) => i.path)).toEqual([
			`claimants.${id}.name`,
			`claimants.${id}.phone`,
			'claimants.c1'
		]);
	});

	it('reports a value that is not an object at the root', () => {
		expect(issuesOf(validatePart('title', 'x'))).toEqual([{ path: '', message: 'expected Object, got "x"' }]);
		expect(issuesOf(validatePart('nope' as never, {}))).toEqual([{ path: '', message: 'unknown part "nope"' }]);
	});
});
