import { randomBytes } from 'node:crypto';
import { makeActor } from '../../src/lib/core/crdt/actors';
import { loadPartDoc } from '../../src/lib/core/crdt/document';
import { editPart } from '../../src/lib/core/crdt/edit';
import type { JsonValue } from '../../src/lib/core/record/json';
import { isParcelId } from '../../src/lib/core/record/ids';
import { isPartName } from '../../src/lib/core/record/parts';
import { signEdit } from '../../src/lib/core/signing/submit';
import { log, parse, required, UsageError } from '../args';
import { readKeyFile } from '../key-file';
import { describeOutcome, openTarget } from '../target';

/**
 * edit --key FILE --parcel ID --part P --set field=value [--set …]: one signed edit of one part,
 * for bulk fixes and tests. Values are JSON when they parse as JSON, else strings; `null` deletes.
 */
export async function edit(args: string[]): Promise<void> {
	const { values } = parse(args, {
		key: { type: 'string' },
		parcel: { type: 'string' },
		part: { type: 'string' },
		set: { type: 'string', multiple: true },
		server: { type: 'string' }
	});
	const { signer } = readKeyFile(required(values.key, 'key'));
	const parcelId = required(values.parcel, 'parcel');
	if (!isParcelId(parcelId)) throw new UsageError(`${parcelId} is not a parcel id like RIV-000123`);
	const part = required(values.part, 'part');
	if (!isPartName(part)) throw new UsageError('--part is parcel, valuation, title or private');
	const patch: Record<string, JsonValue> = {};
	for (const s of values.set ?? []) {
		const eq = s.indexOf('=');
		if (eq < 1) throw new UsageError(`--set ${s}: expected field=value`);
		const raw = s.slice(eq + 1);
		let value: JsonValue;
		try {
			value = JSON.parse(raw) as JsonValue;
		} catch {
			value = raw;
		}
		patch[s.slice(0, eq)] = value;
	}
	if (!Object.keys(patch).length) throw new UsageError('give at least one --set field=value');

	const target = await openTarget(values.server);
	try {
		const changes = await target.changes(parcelId, part);
		if (!changes.length) throw new UsageError(`${parcelId} has no ${part} document in this log`);
		const actor = makeActor(signer.publicKey, randomBytes(8));
		const loaded = loadPartDoc(changes, { actor });
		if (!loaded.ok) throw new Error(loaded.message);
		const r = editPart(loaded.doc, part, patch, { actor, time: Math.floor(Date.now() / 1000), salt: randomBytes(16) });
		if (!r.ok) throw new UsageError(`${r.message}${r.issues.length ? ': ' + r.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : ''}`);
		if (!r.change) {
			log('nothing to change: the document already holds those values');
			return;
		}
		const sub = await signEdit({ origin: target.origin, signer, parcelId, part, change: r.change, claimedTime: Date.now() });
		const [outcome] = await target.submit([sub]);
		log(describeOutcome(outcome));
		if (outcome.status !== 'accepted') process.exitCode = 1;
	} finally {
		await target.close();
	}
}
