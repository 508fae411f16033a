import type { AppendBatch } from './types';

/** Shape checks shared by both stores: indexes contiguous and the checkpoint at the new size. */
export function checkBatchShape(b: AppendBatch): void {
	b.entries.forEach((e, i) => {
		if (e.index !== b.fromSize + i) throw new Error(`entry ${i} has index ${e.index}, expected ${b.fromSize + i}`);
	});
	if (b.checkpoint.size !== b.fromSize + b.entries.length) throw new Error('checkpoint size does not match the batch');
}
