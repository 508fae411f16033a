// This tab's Automerge actor: the key-derived prefix plus 8 random bytes drawn once per page
// load and never stored, so two tabs (or a reload) never share an actor and Automerge never
// sees a duplicate (actor, seq).
import { fromHex } from '../core/bytes';
import { makeActor } from '../core/crdt/actors';

const suffix = globalThis.crypto?.getRandomValues(new Uint8Array(8)) ?? new Uint8Array(8);
const actors = new Map<string, string>();

export function tabActor(publicKeyHex: string): string {
	let actor = actors.get(publicKeyHex);
	if (!actor) {
		actor = makeActor(fromHex(publicKeyHex), suffix);
		actors.set(publicKeyHex, actor);
	}
	return actor;
}
