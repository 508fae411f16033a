// The four parts of a parcel record and THE table of which office may write which part.
// Client, server and verifiers all read this one table; the codes are the binary encoding
// used in log entries and grants (docs/protocol.md).

export const PART_NAMES = ['parcel', 'valuation', 'title', 'private'] as const;
export type PartName = (typeof PART_NAMES)[number];

export const ROLES = ['assessor', 'registrar'] as const;
export type Role = (typeof ROLES)[number];

export const PART_CODES: Readonly<Record<PartName, number>> = Object.freeze({
	parcel: 1,
	valuation: 2,
	title: 3,
	private: 4
});

export const ROLE_CODES: Readonly<Record<Role, number>> = Object.freeze({ assessor: 1, registrar: 2 });

/** Parts whose contents anyone may read; `private` bodies are served to staff only. */
export const PUBLIC_PARTS: readonly PartName[] = Object.freeze(['parcel', 'valuation', 'title'] as const);

/** Who may write each part: assessors own physical and valuation data, registrars rights. */
export const WRITERS: Readonly<Record<PartName, readonly Role[]>> = Object.freeze({
	parcel: Object.freeze(['assessor', 'registrar'] as const),
	valuation: Object.freeze(['assessor'] as const),
	title: Object.freeze(['registrar'] as const),
	private: Object.freeze(['assessor', 'registrar'] as const)
});

/** Why a role may not write a part, for the UI and for error messages. */
export const WRITE_REFUSALS: Readonly<Record<PartName, string>> = Object.freeze({
	parcel: 'Only assessors and registrars may change parcel data',
	valuation: 'Only assessors may change valuations',
	title: 'Only registrars may change ownership and rights',
	private: 'Only assessors and registrars may change private details'
});

export const isPartName = (x: unknown): x is PartName =>
	typeof x === 'string' && (PART_NAMES as readonly string[]).includes(x);
export const isRole = (x: unknown): x is Role => typeof x === 'string' && (ROLES as readonly string[]).includes(x);
export const isPublicPart = (part: PartName): boolean => PUBLIC_PARTS.includes(part);

export function mayWrite(role: Role, part: PartName): boolean {
	return isRole(role) && isPartName(part) && WRITERS[part].includes(role);
}

/** Null when the role may write the part, otherwise the human reason it may not. */
export function writeRefusal(role: Role, part: PartName): string | null {
	return mayWrite(role, part) ? null : WRITE_REFUSALS[part];
}

/** The name a code stands for in a code table, or null. */
export function byCode<T extends string>(table: Readonly<Record<T, number>>, code: number): T | null {
	for (const name of Object.keys(table) as T[]) if (table[name] === code) return name;
	return null;
}

export const partFromCode = (code: number): PartName | null => byCode(PART_CODES, code);
export const roleFromCode = (code: number): Role | null => byCode(ROLE_CODES, code);
