// Plain JSON values: what parts look like outside Automerge, on the wire and in the UI.

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/** A non-null, non-array object (the only kind of object that parts contain besides arrays). */
export const isJsonObject = (x: unknown): x is JsonObject =>
	typeof x === 'object' && x !== null && !Array.isArray(x);

/** Own-property lookup, so keys such as `constructor` never reach Object.prototype. */
export const getOwn = (o: JsonObject, key: string): JsonValue | undefined =>
	Object.hasOwn(o, key) ? o[key] : undefined;

/** Key-sorted JSON text: one spelling per value, so equal values give equal bytes. */
export function canonicalJson(value: JsonValue): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (isJsonObject(value)) {
		const keys = Object.keys(value).sort();
		return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
	}
	return JSON.stringify(value);
}

export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
	if (a === undefined || b === undefined) return a === b;
	return canonicalJson(a) === canonicalJson(b);
}
