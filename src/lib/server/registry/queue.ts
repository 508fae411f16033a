// The conflict queue as the registry workspace shows it: the projection's conflicts of public
// parts, newest first, with each value's author named from the log's grants (name, role,
// revocation), the device (the actor's last 8 bytes) and the log position; and the spatial issues.
import { fromHex } from '../../core/bytes';
import { keyActorPrefix } from '../../core/crdt/actors';
import type { KeyRegistry, KeyRecord } from '../../core/log/authority';
import type { NamedFile } from '../../core/files/named-files';
import type { ProjectionStore } from '../projection/types';
import type { ConflictRow, ConflictValueRow, ListQuery, SpatialIssueRow } from '../projection/registry-types';

export interface QueueValue extends ConflictValueRow {
	authorName: string;
	authorRole: string | null;
	authorRevokedAt: number | null;
	/** Hex of the actor's random suffix: one tab session on one device. */
	device: string;
	/** Files the value's change attached (value-files.ts), when it attached any. */
	files?: NamedFile[];
}

export interface QueueItem extends Omit<ConflictRow, 'values'> {
	values: QueueValue[];
}

export interface Queue {
	conflicts: QueueItem[];
	total: number;
	spatial: SpatialIssueRow[];
	spatialTotal: number;
}

/** Actor prefix → key record, for values whose entry was not found (should not happen). */
function byPrefix(registry: KeyRegistry): Map<string, KeyRecord> {
	return new Map(registry.list().map((k) => [keyActorPrefix(fromHex(k.publicKey)), k]));
}

export function describeValues(item: ConflictRow, registry: KeyRegistry, prefixes = byPrefix(registry)): QueueItem {
	return {
		...item,
		values: item.values.map((v) => {
			const key = (v.author ? registry.get(v.author) : undefined) ?? prefixes.get(v.actor.slice(0, 32));
			return {
				...v,
				author: v.author ?? key?.publicKey ?? null,
				authorName: key?.name ?? `unknown key (actor ${v.actor.slice(0, 8)}…)`,
				authorRole: key?.role ?? null,
				authorRevokedAt: key?.revokedAt ?? null,
				device: v.actor.slice(32)
			};
		})
	};
}

export async function conflictQueue(projection: ProjectionStore, registry: KeyRegistry, q: ListQuery): Promise<Queue> {
	const [conflicts, spatial] = await Promise.all([projection.conflicts(q), projection.spatialIssues(q)]);
	const prefixes = byPrefix(registry);
	return {
		conflicts: conflicts.rows.map((c) => describeValues(c, registry, prefixes)),
		total: conflicts.total,
		spatial: spatial.rows,
		spatialTotal: spatial.total
	};
}
