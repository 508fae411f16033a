// Evidence files a registrar attaches to a claim from the workspace (issue 21): read and hashed in
// the browser and checked before anything is signed — a type the server keeps (by the first bytes,
// as the server sniffs) and at most the server's default size — since a claim names its files for
// good and a file the server then refused would stay missing.
import { FILE_TYPES, SNIFF_BYTES, sniffType, type FileType } from '../core/files/sniff';
import type { EvidenceFile } from '../core/claims/types';
import { MAX_EVIDENCE } from '../core/claims/body';
import { sha256Hex } from './crypto';

/** The server's default limit (FILES_MAX_BYTES); a server set lower refuses with 413 at upload. */
export const MAX_EVIDENCE_BYTES = 25 * 1024 * 1024;

export interface Evidence extends EvidenceFile {
	blob: Blob;
	type: FileType;
	name: string;
}

export async function readEvidence(files: File[]): Promise<{ ok: true; evidence: Evidence[] } | { ok: false; message: string }> {
	if (files.length > MAX_EVIDENCE) return { ok: false, message: `at most ${MAX_EVIDENCE} evidence files` };
	const evidence: Evidence[] = [];
	for (const f of files) {
		if (f.size === 0 || f.size > MAX_EVIDENCE_BYTES) return { ok: false, message: `${f.name} is ${f.size} bytes; evidence files are 1 byte to ${MAX_EVIDENCE_BYTES / 1024 / 1024} MiB` };
		const bytes = new Uint8Array(await f.arrayBuffer());
		const type = sniffType(bytes.subarray(0, SNIFF_BYTES));
		if (!type) return { ok: false, message: `${f.name} is not a file the registry keeps (${FILE_TYPES.join(', ')}, by its content)` };
		evidence.push({ hash: await sha256Hex(bytes), size: bytes.length, blob: f, type, name: f.name });
	}
	// The same file chosen twice is one piece of evidence (the entry names each file once).
	return { ok: true, evidence: evidence.filter((e, i) => evidence.findIndex((x) => x.hash === e.hash) === i) };
}
