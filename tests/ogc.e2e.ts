// OGC API – Features, checked with a real client nobody here wrote: GDAL's OAPIF driver.
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const gdal = (cmd: string, args: string[]) => {
	const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, GDAL_HTTP_TIMEOUT: '60' } });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
	return r.stdout;
};

interface Feature {
	id: string;
	geometry: { type: string; coordinates: number[][][] };
	properties: Record<string, unknown>;
}

async function allFeatures(request: import('@playwright/test').APIRequestContext): Promise<Feature[]> {
	const out: Feature[] = [];
	let url: string | undefined = '/ogc/collections/parcels/items?limit=1000';
	while (url) {
		const res: import('@playwright/test').APIResponse = await request.get(url);
		expect(res.headers()['content-type']).toContain('application/geo+json');
		const page: { features: Feature[]; links: { rel: string; href: string }[] } = await res.json();
		out.push(...page.features);
		url = page.links.find((l) => l.rel === 'next')?.href;
	}
	return out;
}

test('ogrinfo lists the parcels collection with the right feature count', async ({ baseURL, request }) => {
	const ours = await allFeatures(request);
	expect(ours.length).toBeGreaterThan(100);
	const info = gdal('ogrinfo', ['-so', `OAPIF:${baseURL}/ogc`, 'parcels']);
	expect(info).toContain(`Feature Count: ${ours.length}`);
	expect(info).toMatch(/Extent: \(5\.\d+, 52\.\d+\)/);
});

test('ogr2ogr copies every parcel into a GeoPackage whose ids and geometries match ours', async ({ baseURL, request }) => {
	const dir = mkdtempSync(join(tmpdir(), 'pl-ogc-'));
	try {
		const gpkg = join(dir, 'parcels.gpkg');
		gdal('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${baseURL}/ogc`, 'parcels']);
		const back = join(dir, 'back.geojson');
		gdal('ogr2ogr', ['-f', 'GeoJSON', back, gpkg, 'parcels']);
		const copied = JSON.parse(readFileSync(back, 'utf8')).features as Feature[];
		const ours = await allFeatures(request);
		expect(copied.length).toBe(ours.length);
		const byId = new Map(copied.map((f) => [f.properties.id as string, f]));
		for (const f of ours) {
			const c = byId.get(f.id);
			expect(c, f.id).toBeDefined();
			expect(c!.properties.apn).toBe(f.properties.apn);
			expect(c!.geometry.type).toBe(f.geometry.type);
			const a = f.geometry.coordinates.flat(2);
			const b = c!.geometry.coordinates.flat(2);
			expect(b.length).toBe(a.length);
			b.forEach((x, i) => expect(Math.abs(x - a[i])).toBeLessThan(1e-9));
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
});

test('the OGC endpoints follow Part 1 Core and refuse bad parameters with JSON errors', async ({ request, baseURL }) => {
	const landing = await (await request.get('/ogc')).json();
	expect(landing.links.map((l: { rel: string }) => l.rel)).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
	const conf = await (await request.get('/ogc/conformance')).json();
	expect(conf.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
	const { collections } = await (await request.get('/ogc/collections')).json();
	expect(collections[0].id).toBe('parcels');

	const page = await (await request.get('/ogc/collections/parcels/items?limit=5&offset=5')).json();
	expect(page.numberReturned).toBe(5);
	expect(page.links.find((l: { rel: string }) => l.rel === 'next').href).toBe(`${baseURL}/ogc/collections/parcels/items?limit=5&offset=10`);
	expect(page.links.find((l: { rel: string }) => l.rel === 'prev').href).toContain('offset=0');

	const first = page.features[0];
	const one = await (await request.get(`/ogc/collections/parcels/items/${first.id}`)).json();
	expect(one.id).toBe(first.id);
	const [minX, minY] = first.geometry.coordinates[0][0];
	const boxed = await (await request.get(`/ogc/collections/parcels/items?bbox=${minX - 1e-5},${minY - 1e-5},${minX + 1e-5},${minY + 1e-5}`)).json();
	expect(boxed.features.map((f: { id: string }) => f.id)).toContain(first.id);
	expect(boxed.numberMatched).toBeLessThan(10);

	for (const [url, status] of [
		['/ogc/collections/parcels/items?colour=red', 400],
		['/ogc/collections/parcels/items?bbox=1,2,3', 400],
		['/ogc/collections/parcels/items?bbox=10,50,5,52', 400],
		['/ogc/collections/parcels/items?limit=-1', 400],
		['/ogc/collections/parcels/items/NOPE-1', 404],
		['/ogc/collections/roads', 404]
	] as const) {
		const res = await request.get(url);
		expect(res.status(), url).toBe(status);
		expect((await res.json()).error.message.length).toBeGreaterThan(5);
	}
});
