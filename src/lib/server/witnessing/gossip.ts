// Gossip on the server: a client shows the checkpoint it trusts (POST /api/gossip); the server
// says whether its own log is consistent with it and answers its current checkpoint. A checkpoint
// signed by the log key that this log does not extend — another root at a size it has, or a size
// beyond its own — is proof of a fork (or of a log rolled back): it is kept as evidence, reported
// in /api/status and the registry, and written to the server log and the data folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { equalBytes, toBase64 } from '../../core/bytes';
import { openCheckpoint } from '../../core/log/checkpoint';
import type { NoteVerifierKey } from '../../core/log/note';
import type { SignatureVerifier } from '../../core/signing/ed25519';

export type GossipStatus = 'consistent' | 'inconsistent' | 'unverified';

export interface GossipEvidence {
	at: number;
	reason: string;
	/** The checkpoint a client showed, and ours (at the time). */
	shown: string;
	ours: string;
}

export interface GossipOptions {
	logKey: NoteVerifierKey;
	verifier: SignatureVerifier;
	head(): { size: number; checkpoint: string };
	/** The root of this log's tree of `size` entries (size ≤ head). */
	rootAt(size: number): Promise<Uint8Array>;
	/** Folder for evidence files; none: memory and the server log only. */
	evidenceDir?: string;
	clock?: () => number;
}

export interface GossipAnswer {
	status: GossipStatus;
	message: string;
	/** Our current checkpoint, with its cosignatures. */
	checkpoint: string;
}

/** Kept in memory: the last ones, and how many there were since start. */
const KEEP = 20;

export class Gossip {
	readonly #o: GossipOptions;
	readonly #evidence: GossipEvidence[] = [];
	#count = 0;

	constructor(o: GossipOptions) {
		this.#o = o;
	}

	get conflicts(): { count: number; recent: GossipEvidence[] } {
		return { count: this.#count, recent: [...this.#evidence] };
	}

	async receive(note: string): Promise<GossipAnswer> {
		const head = this.#o.head();
		const opened = await openCheckpoint(note, this.#o.logKey, this.#o.verifier);
		if (!opened.ok) return { status: 'unverified', message: `not a checkpoint of this log: ${opened.message}`, checkpoint: head.checkpoint };
		const { size, root } = opened.value.checkpoint;
		if (size > head.size) return this.#conflict(note, head.checkpoint, `the log key signed a tree of ${size} entries, and this log has ${head.size}: a fork, or a log rolled back`);
		const ours = size === 0 ? null : await this.#o.rootAt(size);
		if (ours && !equalBytes(ours, root)) {
			return this.#conflict(note, head.checkpoint, `the log key signed two different trees of ${size} entries: ${toBase64(root)} (shown) and ${toBase64(ours)} (this log)`);
		}
		return { status: 'consistent', message: `this log's tree of ${head.size} entries extends the tree of ${size} shown`, checkpoint: head.checkpoint };
	}

	#conflict(shown: string, ours: string, reason: string): GossipAnswer {
		const e: GossipEvidence = { at: (this.#o.clock ?? Date.now)(), reason, shown, ours };
		// The same checkpoint shown again (a device syncing until its alarm is acknowledged) counts once.
		if (!this.#evidence.some((x) => x.shown === shown)) {
			this.#count++;
			this.#evidence.push(e);
			if (this.#evidence.length > KEEP) this.#evidence.shift();
			console.error(`[gossip] FORK EVIDENCE: ${reason}\n--- shown ---\n${shown}--- ours ---\n${ours}`);
			if (this.#o.evidenceDir) {
				try {
					mkdirSync(this.#o.evidenceDir, { recursive: true });
					writeFileSync(join(this.#o.evidenceDir, `${new Date(e.at).toISOString().replace(/[:.]/g, '-')}.txt`), `${reason}\n\n== shown ==\n${shown}\n== ours ==\n${ours}`);
				} catch (err) {
					console.error(`[gossip] could not keep evidence: ${(err as Error).message}`);
				}
			}
		}
		return { status: 'inconsistent', message: reason, checkpoint: ours };
	}
}
