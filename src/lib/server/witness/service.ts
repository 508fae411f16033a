// The witness as a service: tlog-witness `POST /add-checkpoint` over node:http, one request at
// a time (check and persist are one atomic step), the state written before each 200, evidence
// kept, and `GET /` for operators. The decision itself is core's witnessStep.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { NoteVerifierKey } from '../../core/log/note';
import { MAX_ADD_CHECKPOINT_BYTES } from '../../core/witness/add-checkpoint';
import { witnessStep, type WitnessAnswer, type WitnessState } from '../../core/witness/witness';
import { nodeVerifier } from '../ed25519';
import { lockWitnessState, readWitnessState, writeEvidence, writeWitnessState, type WitnessKey } from './files';

export interface WitnessServiceOptions {
	key: WitnessKey;
	/** The log keys it witnesses (a log's origin is its key's name). */
	logs: NoteVerifierKey[];
	stateFile: string;
	/** Unix seconds; the cosignatures' time. */
	now?: () => number;
	/** Called for each answered request (logging). */
	onAnswer?: (a: WitnessAnswer, evidenceFile: string | null) => void;
}

export class WitnessService {
	readonly #o: WitnessServiceOptions;
	#state: WitnessState;
	#queue: Promise<unknown> = Promise.resolve();
	readonly #unlock: () => void;

	constructor(o: WitnessServiceOptions) {
		this.#o = o;
		this.#unlock = lockWitnessState(o.stateFile);
		try {
			this.#state = readWitnessState(o.stateFile);
		} catch (e) {
			this.#unlock();
			throw e;
		}
	}

	get state(): WitnessState {
		return this.#state;
	}

	/** One add-checkpoint request; serialized with every other, the state persisted before it resolves. */
	addCheckpoint(body: string): Promise<WitnessAnswer> {
		const run = this.#queue.then(async () => {
			const now = this.#o.now?.() ?? Math.floor(Date.now() / 1000);
			const a = await witnessStep(this.#state, body, { name: this.#o.key.name, signer: this.#o.key.signer, logs: this.#o.logs, verifier: nodeVerifier, now });
			if (a.next) {
				writeWitnessState(this.#o.stateFile, a.next);
				this.#state = a.next;
			}
			let evidence: string | null = null;
			if (a.evidence) {
				try {
					evidence = writeEvidence(this.#o.stateFile, a.evidence, new Date(now * 1000));
				} catch (e) {
					console.error(`[witness] could not keep evidence: ${(e as Error).message}`);
				}
			}
			this.#o.onAnswer?.(a, evidence);
			return a;
		});
		this.#queue = run.catch(() => {});
		return run;
	}

	/** What `GET /` shows. */
	describe(): string {
		const lines = [`witness ${this.#o.key.vkey}`, ...this.#o.logs.map((l) => {
			const s = this.#state.logs[l.name];
			return `log ${l.name}+${l.keyId}: ${s ? `cosigned size ${s.size} at ${new Date(s.at * 1000).toISOString()}` : 'nothing cosigned yet'}`;
		})];
		return lines.join('\n') + '\n';
	}

	/** An HTTP server answering POST /add-checkpoint and GET /. */
	httpServer(): Server {
		const server = createServer((req, res) => {
			const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
				res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
				res.end(body);
			};
			const path = new URL(req.url ?? '/', 'http://witness').pathname;
			if (path === '/add-checkpoint') {
				if (req.method !== 'POST') return send(405, 'use POST\n');
				readBody(req, MAX_ADD_CHECKPOINT_BYTES).then(
					async (body) => {
						if (body === null) return send(413, `the body is larger than ${MAX_ADD_CHECKPOINT_BYTES} bytes\n`);
						try {
							const a = await this.addCheckpoint(body);
							send(a.status, a.body, a.contentType);
						} catch (e) {
							console.error(`[witness] ${(e as Error).message}`);
							send(500, 'the witness could not record its state; nothing was cosigned\n');
						}
					},
					() => send(400, 'the body could not be read\n')
				);
				return;
			}
			if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) return send(200, this.describe());
			send(404, 'not found: this witness serves POST /add-checkpoint\n');
		});
		server.keepAliveTimeout = 65_000;
		return server;
	}

	close(): void {
		this.#unlock();
	}
}

function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let over = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > limit) over = true;
			else chunks.push(c);
		});
		req.on('end', () => (over ? resolve(null) : resolve(Buffer.concat(chunks).toString('utf8'))));
		req.on('error', reject);
	});
}
