// Files in an extract (docs/protocol.md "Extracts" → `files`): the photos and documents the
// extract's public changes name, by SHA-256 and size. The list follows from the verified changes,
// so a verifier recomputes it rather than trusting it, and checks a file given with the extract
// against it: same SHA-256, same size. Private files are never listed (their changes are not in
// an extract).
import { toHex } from '../bytes';
import { filesNamedBy } from '../files/named-files';
import { sha256 } from '../hash';

export interface ExtractFile {
	/** SHA-256, lower-case hex. */
	hash: string;
	/** Bytes, as the naming change records them; null when it does not say. */
	size: number | null;
}

/** Every file the changes name, once, by hash; the first recorded size wins. */
export function filesOfChanges(bodies: Iterable<Uint8Array>): ExtractFile[] {
	const byHash = new Map<string, ExtractFile>();
	for (const body of bodies) {
		for (const f of filesNamedBy(body)) {
			const seen = byHash.get(f.hash);
			if (!seen) byHash.set(f.hash, { hash: f.hash, size: f.size });
			else if (seen.size === null) seen.size = f.size;
		}
	}
	return [...byHash.values()].sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
}

/** Where the listed files differ from those the changes name, or null when they are the same. */
export function listedFilesProblem(listed: ExtractFile[], named: ExtractFile[]): string | null {
	const want = new Map(named.map((f) => [f.hash, f.size]));
	for (const f of listed) {
		if (!want.has(f.hash)) return `The extract lists the file ${f.hash}, which none of its public changes names.`;
		if (want.get(f.hash) !== f.size) return `The extract lists the file ${f.hash} as ${f.size} bytes; its change records ${want.get(f.hash)}.`;
		want.delete(f.hash);
	}
	const [missing] = want.keys();
	return missing ? `The extract does not list the file ${missing}, which its public changes name.` : null;
}

/** Whether `bytes` are one of the files the changes name: its SHA-256 listed, and its size as recorded. */
export function checkGivenFile(name: string, bytes: Uint8Array, named: ExtractFile[]): { ok: boolean; detail: string } {
	const hash = toHex(sha256(bytes));
	const f = named.find((x) => x.hash === hash);
	if (!f) return { ok: false, detail: `The file ${name} (SHA-256 ${hash}) is not one the parcel's public edits name: its bytes match no listed file.` };
	if (f.size !== null && f.size !== bytes.length) return { ok: false, detail: `The file ${name} hashes to a listed file but is ${bytes.length} bytes, not the ${f.size} its edit records.` };
	return { ok: true, detail: `The file ${name} is exactly the file ${hash} (${bytes.length} bytes) that the parcel's public edits name.` };
}
