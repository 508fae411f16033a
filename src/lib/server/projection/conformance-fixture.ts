// What the ProjectionStore conformance suites (conformance.ts, registry-conformance.ts) are given,
// and the row they save.
import { squareGeometry } from '../../core/record/samples';
import { bboxOf } from '../../core/record/summary';
import { afterEach, beforeEach } from 'vitest';
import type { ParcelRow, ProjectionStore } from './types';

export interface ProjectionFixture {
	projection: ProjectionStore;
	/** A second store on the same database (a restarted process, or another app server). */
	reopen(): Promise<ProjectionStore>;
	cleanup(): Promise<void>;
}

export function makeRow(id: string, over: Partial<ParcelRow> = {}): ParcelRow {
	const geometry = over.geometry === undefined ? squareGeometry(-1.5, 52.1) : over.geometry;
	return {
		id,
		district: id.split('-')[0],
		apn: '012-345-678',
		status: 'active',
		addressLine: '12 Mill Lane',
		locality: 'Riverside',
		postcode: 'RV1 2AB',
		landUse: 'residential',
		zoning: 'R1',
		recordedArea: 812.5,
		owners: ['Ada Lovelace'],
		totalValue: 250_000,
		valueYear: '2024',
		geometry,
		bbox: geometry ? bboxOf(geometry) : null,
		record: { id, addressLine: over.addressLine ?? '12 Mill Lane', nested: { list: [1, 'two', null, true], ünï: 'cödé' } },
		lastIndex: 10,
		editCount: 3,
		...over
	};
}

/** Every test of the calling `describe` gets a fresh, migrated store, cleaned up after it. */
export function freshEachTest(setup: () => Promise<ProjectionFixture>, use: (f: ProjectionFixture) => void): void {
	let f: ProjectionFixture;
	beforeEach(async () => {
		f = await setup();
		await f.projection.migrate();
		use(f);
	});
	afterEach(async () => {
		await f.cleanup();
	});
}
