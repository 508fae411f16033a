import { json } from '@sveltejs/kit';
import { endpoint } from '$lib/server/http/endpoint';
import { HttpError } from '$lib/server/http/respond';
import { requireRegistrar } from '$lib/server/http/access';
import { subjectExport } from '$lib/server/privacy/subject';

/** GET /api/registry/subject?name=…: a subject access request export (registrars only). */
export const GET = endpoint(async ({ url, locals }, rt) => {
	const registrar = requireRegistrar(locals.editor);
	const name = url.searchParams.get('name')?.trim() ?? '';
	if (name.length < 2 || name.length > 200) throw new HttpError('bad-request', 'name must be 2–200 characters');
	const body = await subjectExport(rt, registrar, name);
	return json(body, {
		headers: {
			'cache-control': 'private, no-store',
			'content-disposition': `attachment; filename="subject-export.json"`
		}
	});
});
