// One signed entry other than an edit, sent from the workspace at once (a key entry, a claim, a
// decision): the answer is checked like a pushed edit (client/entry-submit.ts), and a log that
// cannot show what it accepted is reported as `bad-log` rather than trusted.
import type { Entry } from '../core/log/entry';
import type { Submission } from '../core/log/submission';
import { ForkError } from '../client/checkpoints';
import { submitEntries } from '../client/entry-submit';
import type { RegistryApp } from './workspace.svelte';

export type EntryAction = { ok: true; index: number; entry: Entry; message: string } | { ok: false; code: string; message: string };

export async function submitSigned(app: RegistryApp, url: '/api/keys' | '/api/entries', sub: Submission, wire: unknown): Promise<EntryAction> {
	const deps = app.deps();
	if (!deps) return { ok: false, code: 'not-set-up', message: 'Set up the workstation first' };
	try {
		const [r] = await app.call(() => submitEntries(deps, url, [wire], [sub.signature]));
		if (r.status === 'refused') return { ok: false, code: r.code, message: r.message };
		return { ok: true, index: r.index, entry: r.entry, message: `Signed and logged at entry #${r.index}; inclusion verified ✓` };
	} catch (e) {
		if (e instanceof ForkError) return { ok: false, code: 'bad-log', message: e.message };
		throw e;
	}
}
