// The witness policy: which witnesses' cosignatures a client counts and how many it needs before
// it treats a checkpoint as seen by others too. A device pins it with the log key. Text format
// (docs/protocol.md "Witness policy"), one statement a line, '#' starts a comment:
//   witness <witness vkey> [<submission URL prefix>]
//   quorum <k>
import { toBase64 } from '../bytes';
import type { SignatureVerifier } from '../signing/ed25519';
import { cosignerKey, formatCosignerKey, parseCosignatureLine, parseCosignerKey, splitNote, verifyCosignature, type CosignerKey } from './cosignature';

export interface PolicyWitness {
	key: CosignerKey;
	/** Where the log submits checkpoints (tlog-witness submission prefix); only the log needs it. */
	url?: string;
}

export interface WitnessPolicy {
	witnesses: PolicyWitness[];
	/** How many of them must cosign; 0 means none is required (cosignatures are still counted). */
	quorum: number;
}

export const EMPTY_POLICY: WitnessPolicy = Object.freeze({ witnesses: [], quorum: 0 }) as WitnessPolicy;
export const MAX_POLICY_WITNESSES = 64;

export type PolicyResult = { ok: true; value: WitnessPolicy } | { ok: false; code: 'malformed-policy'; message: string };

/** Strict parse: unknown statements, duplicate names or keys, a quorum above the witnesses are refused. */
export function parsePolicy(text: string): PolicyResult {
	const bad = (line: number, why: string): PolicyResult => ({ ok: false, code: 'malformed-policy', message: `witness policy, line ${line}: ${why}` });
	const witnesses: PolicyWitness[] = [];
	let quorum: number | null = null;
	const lines = text.split('\n');
	for (const [i, raw] of lines.entries()) {
		const line = raw.replace(/#.*$/, '').trim();
		if (!line) continue;
		const words = line.split(/\s+/);
		if (words[0] === 'witness') {
			if (words.length < 2 || words.length > 3) return bad(i + 1, 'expected "witness <vkey> [<url>]"');
			const key = parseCosignerKey(words[1]);
			if (!key.ok) return bad(i + 1, key.message);
			if (witnesses.some((w) => w.key.name === key.value.name)) return bad(i + 1, `witness ${key.value.name} is named twice`);
			if (witnesses.some((w) => toBase64(w.key.publicKey) === toBase64(key.value.publicKey))) return bad(i + 1, `witness ${key.value.name} reuses another witness's key`);
			const url = words[2];
			if (url !== undefined && !/^https?:\/\/[^\s]+$/.test(url)) return bad(i + 1, `the URL ${JSON.stringify(url)} is not http(s)`);
			witnesses.push(url ? { key: key.value, url: url.replace(/\/+$/, '') } : { key: key.value });
			if (witnesses.length > MAX_POLICY_WITNESSES) return bad(i + 1, `more than ${MAX_POLICY_WITNESSES} witnesses`);
		} else if (words[0] === 'quorum') {
			if (quorum !== null) return bad(i + 1, 'a second quorum line');
			if (words.length !== 2 || !/^(?:0|[1-9][0-9]{0,2})$/.test(words[1])) return bad(i + 1, 'expected "quorum <number>"');
			quorum = Number(words[1]);
		} else {
			return bad(i + 1, `unknown statement ${JSON.stringify(words[0].slice(0, 30))} (expected witness or quorum)`);
		}
	}
	if (quorum === null) {
		if (witnesses.length) return bad(lines.length, 'no "quorum <k>" line: say how many of the witnesses must cosign');
		quorum = 0;
	}
	if (quorum > witnesses.length) return bad(lines.length, `the quorum ${quorum} is more than the ${witnesses.length} witness(es) named`);
	return { ok: true, value: { witnesses, quorum } };
}

/** The canonical text; devices are given it without URLs (`urls: false`), the log's file keeps them. */
export function formatPolicy(p: WitnessPolicy, o: { urls?: boolean } = {}): string {
	const lines = p.witnesses.map((w) => `witness ${formatCosignerKey(w.key.name, w.key.publicKey)}${o.urls !== false && w.url ? ` ${w.url}` : ''}`);
	return [...lines, `quorum ${p.quorum}`].map((l) => `${l}\n`).join('');
}

/** Whether two policies name the same witness keys and quorum (URLs aside). */
export const samePolicy = (a: WitnessPolicy, b: WitnessPolicy): boolean => formatPolicy(a, { urls: false }) === formatPolicy(b, { urls: false });

export interface WitnessVerdict {
	/** The policy is met: at least `quorum` of its witnesses validly cosigned the note. */
	ok: boolean;
	quorum: number;
	/** Witnesses of the policy whose cosignature verifies, with the time they signed (unix seconds). */
	cosigned: { name: string; time: number }[];
	/** Witnesses of the policy that did not cosign (or whose cosignature did not verify). */
	missing: string[];
	/** Witnesses of the policy whose line is present but does not verify. */
	invalid: string[];
	/** One plain sentence for people. */
	message: string;
}

/**
 * Counts the policy's witnesses that validly cosigned `note` (a signed checkpoint note, which the
 * caller has opened with the log key). Signature lines of other keys are ignored.
 */
export async function checkWitnesses(note: string, policy: WitnessPolicy, verifier: SignatureVerifier): Promise<WitnessVerdict> {
	const parts = splitNote(note);
	const cosigned: { name: string; time: number }[] = [];
	const invalid: string[] = [];
	for (const w of policy.witnesses) {
		let valid: number | null = null;
		let seen = false;
		for (const line of parts?.lines ?? []) {
			const c = parseCosignatureLine(line);
			if (!c.ok || c.value.name !== w.key.name || c.value.keyId !== w.key.keyId) continue;
			seen = true;
			if (await verifyCosignature(parts!.text, c.value, w.key, verifier)) {
				valid = c.value.time;
				break;
			}
		}
		if (valid !== null) cosigned.push({ name: w.key.name, time: valid });
		else if (seen) invalid.push(w.key.name);
	}
	const missing = policy.witnesses.map((w) => w.key.name).filter((n) => !cosigned.some((c) => c.name === n));
	const ok = cosigned.length >= policy.quorum;
	return { ok, quorum: policy.quorum, cosigned, missing, invalid, message: witnessMessage(policy, cosigned.length, missing, invalid, ok) };
}

function witnessMessage(p: WitnessPolicy, have: number, missing: string[], invalid: string[], ok: boolean): string {
	const n = p.witnesses.length;
	if (n === 0) return 'The witness policy names no witnesses: nothing shows that others are shown this same log.';
	const bad = invalid.length ? ` The cosignature of ${invalid.join(', ')} does not verify.` : '';
	if (ok) {
		const rest = missing.length ? ` (not yet from ${missing.join(', ')})` : '';
		return `Witnessed: cosigned by ${have} of ${n} witnesses, and the policy requires ${p.quorum}${rest}.${bad}`;
	}
	return `NOT WITNESSED: this checkpoint carries ${have} of the ${p.quorum} witness cosignatures the policy requires (missing: ${missing.join(', ')}). Until enough witnesses cosign it, nothing shows that others are shown the same log.${bad}`;
}

/** A policy from witness names and keys, for tests and tools. */
export function policyOf(witnesses: { name: string; publicKey: Uint8Array; url?: string }[], quorum: number): WitnessPolicy {
	return { witnesses: witnesses.map((w) => (w.url ? { key: cosignerKey(w.name, w.publicKey), url: w.url } : { key: cosignerKey(w.name, w.publicKey) })), quorum };
}
