import { endpoint } from '$lib/server/http/endpoint';
import { handleSubmissions } from '$lib/server/http/submissions';

export const POST = endpoint(({ request }, { ledger }) => handleSubmissions(request, ledger, 'edits'));
