// Resolving a conflict from the registry queue: bring the parcel's documents on this workstation
// up to date from the verified log, write the chosen (or merged) value through the client's save
// path (signed here, ONE Dexie transaction with the outbox row), then send it and confirm that the
// log included it. A resolution is a normal signed edit; valuation ones need an assessor.
import type { JsonValue } from '../core/record/json';
import type { PartName } from '../core/record/parts';
import { editRefusal, saveResolution } from '../client/save';
import { openParcel } from './parcel-open';
import { showValue } from './format';
import type { RegistryApp } from './workspace.svelte';

export type ResolveOutcome =
	| { ok: true; index: number | null; message: string }
	| { ok: false; code: string; message: string };

export interface Target {
	parcelId: string;
	part: PartName;
	path: string;
}

/** Why this workstation may not resolve a conflict of this part (valuation: assessors only). */
export function resolveRefusal(app: RegistryApp, t: Target): string | null {
	return editRefusal(app.saveContext()?.grant ?? null, t.parcelId, t.part);
}

export async function resolveConflictValue(app: RegistryApp, t: Target, value: JsonValue, merged: boolean): Promise<ResolveOutcome> {
	const deps = app.deps();
	const ctx = app.saveContext();
	if (!deps || !ctx) return { ok: false, code: 'not-set-up', message: 'Set up the workstation first' };
	try {
		await app.call(() => openParcel(deps, t.parcelId, t.part === 'private'));
	} catch (e) {
		return { ok: false, code: 'open-failed', message: `Could not load ${t.parcelId} from the log: ${(e as Error).message}` };
	}
	const summary = `resolved ${t.path} → ${merged ? 'merged value ' : ''}${showValue(value, 60)}`;
	const saved = await saveResolution(ctx, t.parcelId, t.part, t.path, value, summary);
	if (!saved.ok) {
		const message = saved.code === 'no-conflict' ? 'Someone resolved this already: the field holds a single value now.' : saved.message;
		return { ok: false, code: saved.code, message };
	}
	const pushed = await app.push();
	const synced = saved.changeHash ? await app.db.synced.get(saved.changeHash) : undefined;
	if (synced) {
		return { ok: true, index: synced.index, message: `Resolved: signed here, logged at entry #${synced.index}, inclusion verified ✓` };
	}
	const row = saved.changeHash ? await app.db.outbox.where('changeHash').equals(saved.changeHash).first() : undefined;
	if (row?.status === 'refused') return { ok: false, code: row.code ?? 'refused', message: `The log refused the resolution: ${row.message}` };
	return { ok: true, index: null, message: pushed ? 'Resolved and signed; waiting to be sent.' : 'Resolved and signed on this workstation; it is sent when the server can be reached.' };
}

/** Parses a typed merged value like the values it replaces: text, a number, or JSON. */
export function parseMerged(text: string, like: JsonValue[]): { ok: true; value: JsonValue } | { ok: false; message: string } {
	if (like.every((v) => typeof v === 'string')) return { ok: true, value: text };
	if (like.every((v) => typeof v === 'number')) {
		const n = Number(text);
		return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: 'type a number' };
	}
	try {
		return { ok: true, value: JSON.parse(text) as JsonValue };
	} catch (e) {
		return { ok: false, message: `type JSON like the values above (${(e as Error).message})` };
	}
}
