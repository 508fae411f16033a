// The files each conflicting value's change attached, for the conflict queue: the registrar sees a
// photo beside the edit that attached it. The queue holds public parts only, so only public change
// bodies are read; one read per distinct entry.
import { decodeEntry } from '../../core/log/entry';
import { filesNamedBy, type NamedFile } from '../../core/files/named-files';
import type { LogStore } from '../store/types';
import type { QueueItem } from './queue';

export async function attachValueFiles(items: QueueItem[], store: Pick<LogStore, 'readEntries' | 'readChange'>): Promise<void> {
	const byIndex = new Map<number, Promise<NamedFile[]>>();
	const filesOf = async (index: number): Promise<NamedFile[]> => {
		const [stored] = await store.readEntries(index, index + 1);
		const e = stored ? decodeEntry(stored.data) : null;
		if (e?.kind !== 'edit' || e.part === 'private') return [];
		const change = await store.readChange(e.changeHash);
		return change ? filesNamedBy(change.body) : [];
	};
	for (const item of items) {
		for (const v of item.values) {
			if (v.index === null) continue;
			if (!byIndex.has(v.index)) byIndex.set(v.index, filesOf(v.index));
			const files = await byIndex.get(v.index)!;
			if (files.length) v.files = files;
		}
	}
}
