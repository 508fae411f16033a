// File types the registry keeps, recognised from their first bytes (never from a name or a
// client's claim): JPEG, PNG, WebP, HEIC/HEIF and PDF.
export const FILE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const;
export type FileType = (typeof FILE_TYPES)[number];

/** Bytes `sniffType` needs to decide. */
export const SNIFF_BYTES = 12;

const ascii = (b: Uint8Array, at: number, s: string): boolean => {
	for (let i = 0; i < s.length; i++) if (b[at + i] !== s.charCodeAt(i)) return false;
	return true;
};

/** The type of a file from its first bytes, or null when it is none of FILE_TYPES. */
export function sniffType(head: Uint8Array): FileType | null {
	if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
	if (head.length >= 8 && ascii(head, 0, '\x89PNG\r\n\x1a\n')) return 'image/png';
	if (head.length >= 12 && ascii(head, 0, 'RIFF') && ascii(head, 8, 'WEBP')) return 'image/webp';
	// ISO BMFF: `ftyp` box with a HEIF brand (heic, heix, hevc, mif1, msf1, heif).
	if (head.length >= 12 && ascii(head, 4, 'ftyp') && /^(heic|heix|hevc|heim|heis|mif1|msf1|heif)$/.test(String.fromCharCode(...head.subarray(8, 12)))) {
		return 'image/heic';
	}
	if (head.length >= 5 && ascii(head, 0, '%PDF-')) return 'application/pdf';
	return null;
}
