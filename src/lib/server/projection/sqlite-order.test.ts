import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { squareGeometry } from '../../core/record/samples';
import { bboxOf } from '../../core/record/summary';
import { SqliteProjectionStore } from './sqlite';
import type { ParcelRow } from './types';

function row(id: string, extra: Partial<ParcelRow> = {}): ParcelRow {
	const geometry = squareGeometry(5, 52, 0.001);
	return {
		id,
		district: id.split('-')[0],
		apn: '',
		status: 'active',
		addressLine: '1 Mill Lane',
		locality: 'Riverside',
		postcode: '',
		landUse: '',
		zoning: '',
		recordedArea: null,
		owners: ['Ada Marlow'],
		totalValue: null,
		valueYear: null,
		geometry,
		bbox: bboxOf(geometry),
		record: { id },
		lastIndex: 1,
		editCount: 1,
		...extra
	};
}

async function store() {
	const db = new Database(':memory:');
	const p = new SqliteProjectionStore(db);
	await p.migrate();
	return { db, p };
}

const ids = async (p: SqliteProjectionStore, text = 'mill', district?: string) =>
	(await p.search({ text, district, limit: 500, offset: 0 })).rows.map((r) => r.id);
const rids = (db: Database.Database) => db.prepare('SELECT id FROM parcels ORDER BY rid').pluck().all();

describe('SQLite projection rowids in id order', () => {
	it('keeps text results in id order whatever order parcels arrive in', async () => {
		const { db, p } = await store();
		const all = Array.from({ length: 300 }, (_, i) => `${['RIV', 'EAST', 'NORTH'][i % 3]}-${String((i * 7919) % 1000).padStart(4, '0')}`);
		for (let i = 0; i < all.length; i += 37) await p.saveParcels(all.slice(i, i + 37).map((id) => row(id)), i);
		const sorted = [...new Set(all)].sort();
		expect(await ids(p)).toEqual(sorted);
		expect(rids(db)).toEqual(sorted);
		expect(await ids(p, 'mill', 'EAST')).toEqual(sorted.filter((id) => id.startsWith('EAST-')));
		expect(await ids(p, 'mill', 'east')).toEqual([]); // districts are exact, as without text
		const page = await p.search({ text: 'marl', limit: 10, offset: 20 });
		expect(page.total).toBe(sorted.length);
		expect(page.rows.map((r) => r.id)).toEqual(sorted.slice(20, 30));
	});

	it('renumbers when two neighbours have no room left between them, and loses nothing', async () => {
		const { db, p } = await store();
		await p.saveParcels([row('RIV-A'), row('RIV-B')], 2);
		let id = 'RIV-A';
		for (let k = 0; k < 40; k++) {
			id += 'Z'; // always between the last one and RIV-B: halves the gap each time
			await p.saveParcels([row(id, { addressLine: `${k} Weir Row` })], 3 + k);
		}
		const expected = ['RIV-A', ...Array.from({ length: 40 }, (_, k) => `RIV-A${'Z'.repeat(k + 1)}`), 'RIV-B'];
		expect(rids(db)).toEqual(expected);
		expect(await ids(p, 'marl')).toEqual(expected);
		expect(await ids(p, 'weir')).toEqual(expected.slice(1, -1));
		expect((await p.search({ bbox: [4, 51, 6, 53], limit: 500, offset: 0 })).total).toBe(42);
		expect(db.prepare('SELECT count(*) FROM parcels_fts').pluck().get()).toBe(42);
		expect(db.prepare('SELECT count(*) FROM parcels_rtree').pluck().get()).toBe(42);
	});

	it('upgrades a layout-1 database (autoincrement rowids, one FTS column) in place', async () => {
		const db = new Database(':memory:');
		const old = new SqliteProjectionStore(db);
		await old.migrate();
		// Recreate what layout 1 left behind: rows in arrival order, FTS without a district column.
		db.exec(`DROP TABLE parcels_fts; CREATE VIRTUAL TABLE parcels_fts USING fts5(words, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');`);
		const insert = db.prepare(`INSERT INTO parcels (rid, id, district, apn, status, address_line, locality, postcode, land_use, zoning, owners, record, last_index, edit_count)
			VALUES (?, ?, ?, '', 'active', '1 Mill Lane', '', '', '', '', '[]', '{}', 1, 1)`);
		['RIV-9', 'EAST-1', 'RIV-10', 'NORTH-3'].forEach((id, i) => {
			insert.run(i + 1, id, id.split('-')[0]);
			db.prepare('INSERT INTO parcels_fts (rowid, words) VALUES (?, ?)').run(i + 1, `${id.toLowerCase().replace('-', ' ')} 1 mill lane`);
		});
		const upgraded = new SqliteProjectionStore(db);
		await upgraded.migrate();
		expect(db.prepare("SELECT sql FROM sqlite_master WHERE name = 'parcels_fts'").pluck().get()).toMatch(/district/);
		expect(await ids(upgraded)).toEqual(['EAST-1', 'NORTH-3', 'RIV-10', 'RIV-9']);
		expect(await ids(upgraded, 'mill', 'RIV')).toEqual(['RIV-10', 'RIV-9']);
		await upgraded.migrate(); // idempotent
		expect(await ids(upgraded)).toEqual(['EAST-1', 'NORTH-3', 'RIV-10', 'RIV-9']);
	});
});
