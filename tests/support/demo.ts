// What the Playwright tests know about the served demo county (scripts/e2e-server.mjs).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromHex } from '../../src/lib/core/bytes';
import { secretKeySigner, type Signer } from '../../src/lib/core/signing/ed25519';

export const E2E_DATA_DIR = resolve(process.env.E2E_DATA_DIR ?? '.tmp/e2e-data');

export interface DemoKey {
	name: string;
	role: 'assessor' | 'registrar';
	districts: string[];
	publicKey: string;
	enrolment: string;
	signer: Signer;
	path: string;
}

export function demoKey(id: 'registrar' | 'assessor-ava' | 'assessor-bo' | 'assessor-cy'): DemoKey {
	const path = join(E2E_DATA_DIR, 'demo', `${id}.json`);
	const file = JSON.parse(readFileSync(path, 'utf8'));
	return { ...file, signer: secretKeySigner(fromHex(file.secretKey)), path };
}
