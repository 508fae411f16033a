// What a person reads when a district download stops (bootstrap.ts downloadStoppedMessage).
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { downloadStoppedMessage, SnapshotRefused } from './bootstrap';

describe('downloadStoppedMessage', () => {
	it('passes a refused snapshot’s own message through (its alarm says the rest)', async () => {
		const e = new SnapshotRefused('Snapshot of district RIV refused: a change is missing.', 'snapshot-incomplete', 'RIV-000001');
		expect(await downloadStoppedMessage('RIV', e)).toBe('Snapshot of district RIV refused: a change is missing.');
	});

	it('names IndexedDB’s own reason, not Dexie’s wrapping of it, and says what is kept', async () => {
		const inner = new DOMException('The object could not be cloned.', 'DataCloneError');
		const e = new Dexie.DataCloneError('DataCloneError: The object could not be cloned.', inner);
		expect(await downloadStoppedMessage('RIV', e)).toBe(
			'The download of district RIV stopped: The object could not be cloned. The parcels stored before it are kept, and downloading again continues from there.'
		);
	});

	it('says a network failure plainly', async () => {
		expect(await downloadStoppedMessage('NORTH', new TypeError('Failed to fetch'))).toBe(
			'The download of district NORTH stopped: Failed to fetch. The parcels stored before it are kept, and downloading again continues from there.'
		);
	});

	it('tells a full device apart, with what to do', async () => {
		const e = new Dexie.AbortError('Transaction aborted', new DOMException('quota', 'QuotaExceededError'));
		const message = await downloadStoppedMessage('RIV', e);
		expect(message).toMatch(/^Storage is full: there is no room on this device for the rest of district RIV/);
		expect(message).toContain('Free some space on the device');
		expect(message).toMatch(/downloading again continues from there\.$/);
	});
});
