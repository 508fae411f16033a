import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';

const MAX_NOTE_BYTES = 64 * 1024;

/**
 * POST /api/gossip, body: a signed checkpoint of this log (text). Answers whether this log is
 * consistent with it and the current checkpoint, with its cosignatures; a checkpoint this log
 * does not extend is kept as fork evidence (docs/protocol.md "Witnesses" → "Gossip").
 */
export const POST = endpoint(async ({ request }, { gossip }) => {
	if (Number(request.headers.get('content-length') ?? 0) > MAX_NOTE_BYTES) throw new HttpError('too-large', `a checkpoint is at most ${MAX_NOTE_BYTES} bytes`);
	const bytes = new Uint8Array(await request.arrayBuffer());
	if (bytes.length > MAX_NOTE_BYTES) throw new HttpError('too-large', `a checkpoint is at most ${MAX_NOTE_BYTES} bytes`);
	const answer = await gossip.receive(new TextDecoder().decode(bytes));
	if (answer.status === 'unverified') throw new HttpError('bad-checkpoint', answer.message, 400);
	return json({ status: answer.status, message: answer.message, checkpoint: answer.checkpoint }, { headers: { 'cache-control': 'no-store' } });
});
