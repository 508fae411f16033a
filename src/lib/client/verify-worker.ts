// The snapshot page verifier's worker (page-verifier.ts): checks a page off the main thread, so a
// tablet's download verifies on one core while IndexedDB writes the page before on another. It
// gets the page's JSON text (a string is cheap to pass), parses it itself and answers with the
// verdict; the leaves of a verified page come back packed (one transferred buffer).
/// <reference lib="webworker" />
import { packLeaves } from '../core/map/device';
import { verifyPage } from './page-verify';
import type { SnapshotPage } from './bootstrap';
import type { VerifyRequest, VerifyResponse } from './page-verifier';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (e: MessageEvent<VerifyRequest>) => {
	const { id, text, anchor, mapRoot, hasher } = e.data;
	let answer: VerifyResponse;
	try {
		const v = await verifyPage(JSON.parse(text) as SnapshotPage, anchor, mapRoot, hasher);
		if (v.ok) {
			const packed = packLeaves(v.leaves);
			answer = { id, verdict: { ok: true, packed, count: v.leaves.length, first: v.leaves[0]?.parcel ?? null } };
			scope.postMessage(answer, [packed.buffer]);
			return;
		}
		answer = { id, verdict: v };
	} catch (err) {
		answer = { id, error: (err as Error)?.message ?? String(err) };
	}
	scope.postMessage(answer);
};
