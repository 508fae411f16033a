import { describe, expect, it } from 'vitest';
import { matchIndex, SearchIndexBuilder } from './search-index';
import { words } from '../core/record/summary';
import { emptyRow, finishRow } from './search-row';

const row = (id: string, addressLine: string, owners: string[]) => finishRow({ ...emptyRow(id), addressLine, owners });

describe('search index', () => {
	const b = new SearchIndexBuilder('RIV');
	b.add([row('RIV-000001', '12 Mill Lane', ['Zoë Okafor']), row('RIV-000002', '3 Mill Lane', ['Ben Orme']), row('RIV-000003', '12 Orchard Road', ['Okafor Farms'])]);
	const index = b.build();

	it('matches every query word as a prefix of some word, in id order', () => {
		expect(matchIndex(index, ['mill'], 10, new Set())).toEqual(['RIV-000001', 'RIV-000002']);
		expect(matchIndex(index, ['oka', '12'], 10, new Set())).toEqual(['RIV-000001', 'RIV-000003']);
		expect(matchIndex(index, ['zoe'], 10, new Set())).toEqual(['RIV-000001']); // accents stripped
		expect(matchIndex(index, ['riv', '000002'], 10, new Set())).toEqual(['RIV-000002']);
		expect(matchIndex(index, ['nothing'], 10, new Set())).toEqual([]);
	});

	it('honours the limit and skips rows that changed since the index was built', () => {
		expect(matchIndex(index, ['riv'], 2, new Set())).toEqual(['RIV-000001', 'RIV-000002']);
		expect(matchIndex(index, ['riv'], 2, new Set(['RIV-000001']))).toEqual(['RIV-000002', 'RIV-000003']);
	});

	it('splits words as the server projection does', () => {
		expect(words('Zoë  O’Brien-Smith, RIV-000123')).toEqual(['zoe', 'o', 'brien', 'smith', 'riv', '000123']);
	});
});
