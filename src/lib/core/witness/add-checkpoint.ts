// C2SP tlog-witness (https://c2sp.org/tlog-witness) "add-checkpoint": the request body is
//   old <size>\n  <base64 consistency proof hash>\n …  \n  <signed checkpoint note>
// A 200 answer is one or more cosignature lines; a 409 answer (text/x.tlog.size) is the size the
// witness last cosigned for the origin, in decimal, and a newline.
import { fromBase64, toBase64 } from '../bytes';
import { HASH_SIZE } from '../log/hashing';

/** The spec's limit on consistency proof lines. */
export const MAX_WITNESS_PROOF_LINES = 63;
/** The media type of a 409 answer's body. */
export const TLOG_SIZE_TYPE = 'text/x.tlog.size';
/** Requests larger than this are refused before parsing (a checkpoint is a few hundred bytes). */
export const MAX_ADD_CHECKPOINT_BYTES = 64 * 1024;

export interface AddCheckpointRequest {
	/** The size of the checkpoint the log believes the witness cosigned last (0 at first). */
	oldSize: number;
	/** RFC 6962 §2.1.2 consistency proof from oldSize to the checkpoint's size. */
	proof: Uint8Array[];
	/** The signed checkpoint note, possibly with other signatures. */
	checkpoint: string;
}

export type AddCheckpointParse = { ok: true; value: AddCheckpointRequest } | { ok: false; message: string };

const SIZE = /^(?:0|[1-9][0-9]*)$/;

export function formatAddCheckpoint(r: AddCheckpointRequest): string {
	if (!Number.isSafeInteger(r.oldSize) || r.oldSize < 0) throw new RangeError(`old size out of range: ${r.oldSize}`);
	if (r.proof.length > MAX_WITNESS_PROOF_LINES) throw new RangeError('too many consistency proof hashes');
	return `old ${r.oldSize}\n${r.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${r.checkpoint}`;
}

/** Strict parse of a request body; a failure is a 400 Bad Request. */
export function parseAddCheckpoint(body: string): AddCheckpointParse {
	const bad = (why: string): AddCheckpointParse => ({ ok: false, message: `malformed add-checkpoint request: ${why}` });
	const end = body.indexOf('\n\n');
	if (end < 0) return bad('no empty line before the checkpoint');
	const head = body.slice(0, end).split('\n');
	const checkpoint = body.slice(end + 2);
	const old = head[0].startsWith('old ') ? head[0].slice(4) : null;
	if (old === null || !SIZE.test(old)) return bad('the first line is not "old <size>"');
	const oldSize = Number(old);
	if (!Number.isSafeInteger(oldSize)) return bad('the old size is too large');
	const lines = head.slice(1);
	if (lines.length > MAX_WITNESS_PROOF_LINES) return bad(`more than ${MAX_WITNESS_PROOF_LINES} consistency proof lines`);
	const proof: Uint8Array[] = [];
	for (const line of lines) {
		let h: Uint8Array;
		try {
			h = fromBase64(line);
		} catch {
			return bad('a consistency proof line is not base64');
		}
		if (h.length !== HASH_SIZE) return bad('a consistency proof hash is not 32 bytes');
		proof.push(h);
	}
	if (!checkpoint) return bad('no checkpoint');
	return { ok: true, value: { oldSize, proof, checkpoint } };
}

/** The body of a 409 answer. */
export const formatTreeSize = (size: number): string => `${size}\n`;

/** Reads a 409 answer's body; null when it is not a decimal size and a newline. */
export function parseTreeSize(body: string): number | null {
	const text = body.endsWith('\n') ? body.slice(0, -1) : body;
	if (!SIZE.test(text)) return null;
	const n = Number(text);
	return Number.isSafeInteger(n) ? n : null;
}

/** The signature lines of a 200 answer, each with its newline; null when the body is not only such lines. */
export function parseCosignatureResponse(body: string): string[] | null {
	if (!body.endsWith('\n') || body.length > MAX_ADD_CHECKPOINT_BYTES) return null;
	const lines = body.slice(0, -1).split('\n');
	if (lines.some((l) => !l.startsWith('— '))) return null;
	return lines.map((l) => `${l}\n`);
}
