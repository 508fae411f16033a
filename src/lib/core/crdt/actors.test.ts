import { describe, expect, it } from 'vitest';
import * as Automerge from '@automerge/automerge';
import { toHex } from '../bytes';
import { sha256 } from '../hash';
import { actorBelongsTo, actorKeyPrefix, keyActorPrefix, makeActor } from './actors';

const key = (n: number) => new Uint8Array(32).fill(n);
const suffix = (n: number) => new Uint8Array(8).fill(n);

describe('actors', () => {
	it('is 16 bytes of SHA-256(public key) then the 8-byte session suffix', () => {
		const actor = makeActor(key(1), suffix(0xab));
		expect(actor).toMatch(/^[0-9a-f]{48}$/);
		expect(actor.slice(0, 32)).toBe(toHex(sha256(key(1))).slice(0, 32));
		expect(actor.slice(32)).toBe('ab'.repeat(8));
		expect(actorKeyPrefix(actor)).toBe(keyActorPrefix(key(1)));
	});

	it('belongs to its key, whatever the session suffix', () => {
		expect(actorBelongsTo(makeActor(key(1), suffix(1)), key(1))).toBe(true);
		expect(actorBelongsTo(makeActor(key(1), suffix(2)), key(1))).toBe(true);
	});

	it('does not belong to another key, nor when malformed', () => {
		const actor = makeActor(key(1), suffix(1));
		expect(actorBelongsTo(actor, key(2))).toBe(false);
		expect(actorBelongsTo(actor.toUpperCase(), key(1))).toBe(false);
		expect(actorBelongsTo(actor.slice(0, 46), key(1))).toBe(false);
		expect(actorBelongsTo(actor + '00', key(1))).toBe(false);
		expect(actorBelongsTo(actor, key(1).subarray(0, 31))).toBe(false);
		expect(actorKeyPrefix('xyz')).toBeNull();
	});

	it('refuses wrong-sized inputs', () => {
		expect(() => makeActor(key(1).subarray(1), suffix(1))).toThrow(RangeError);
		expect(() => makeActor(key(1), new Uint8Array(7))).toThrow(RangeError);
	});

	it('is accepted by Automerge and recorded in every change', () => {
		const actor = makeActor(key(3), suffix(4));
		const doc = Automerge.change(Automerge.init<{ n?: number }>({ actor }), { time: 1 }, (d) => {
			d.n = 1;
		});
		const change = Automerge.decodeChange(Automerge.getLastLocalChange(doc)!);
		expect(change.actor).toBe(actor);
		expect(actorBelongsTo(change.actor, key(3))).toBe(true);
	});
});
