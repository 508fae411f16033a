// Editor key files (JSON): what `cli keygen` writes and what the demo ships in data/demo/.
// The field app imports the same file. Keep them private: they hold the secret key.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { fromHex, toHex } from '../src/lib/core/bytes';
import { formatEnrolment } from '../src/lib/core/signing/enrolment';
import type { Signer } from '../src/lib/core/signing/ed25519';
import { nodeSigner } from '../src/lib/server/ed25519';
import { UsageError } from './args';

export interface KeyFile {
	name: string;
	role?: 'assessor' | 'registrar';
	districts?: string[];
	publicKey: string;
	secretKey: string;
	enrolment: string;
}

export function writeKeyFile(path: string, k: { name: string; role?: KeyFile['role']; districts?: string[]; secretKey: Uint8Array }): KeyFile {
	const signer = nodeSigner(k.secretKey);
	const file: KeyFile = {
		name: k.name,
		...(k.role ? { role: k.role } : {}),
		...(k.districts ? { districts: k.districts } : {}),
		publicKey: toHex(signer.publicKey),
		secretKey: toHex(k.secretKey),
		enrolment: formatEnrolment({ publicKey: signer.publicKey, name: k.name })
	};
	writeFileSync(path, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
	chmodSync(path, 0o600);
	return file;
}

export function readKeyFile(path: string): { file: KeyFile; signer: Signer } {
	let file: KeyFile;
	try {
		file = JSON.parse(readFileSync(path, 'utf8')) as KeyFile;
	} catch (e) {
		throw new UsageError(`cannot read key file ${path}: ${(e as Error).message}`);
	}
	if (!/^[0-9a-f]{64}$/.test(file.secretKey ?? '')) throw new UsageError(`${path} holds no secretKey (64 hex digits)`);
	const signer = nodeSigner(fromHex(file.secretKey));
	if (file.publicKey && file.publicKey !== toHex(signer.publicKey)) throw new UsageError(`${path}: publicKey does not match secretKey`);
	return { file, signer };
}
