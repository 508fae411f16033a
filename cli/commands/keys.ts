import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fromHex } from '../../src/lib/core/bytes';
import { parseEnrolment } from '../../src/lib/core/signing/enrolment';
import { signKeyEntry } from '../../src/lib/core/signing/submit';
import { log, parse, required, UsageError } from '../args';
import { readKeyFile, writeKeyFile } from '../key-file';
import { describeOutcome, openTarget } from '../target';

/** keygen --name NAME --out FILE: a new editor key; prints its enrolment code. */
export async function keygen(args: string[]): Promise<void> {
	const { values } = parse(args, { name: { type: 'string' }, out: { type: 'string' } });
	const name = required(values.name, 'name');
	const out = required(values.out, 'out');
	if (existsSync(out)) throw new UsageError(`${out} exists; refusing to overwrite a key`);
	const file = writeKeyFile(out, { name, secretKey: randomBytes(32) });
	log(`Wrote ${out}`);
	log(`Enrolment code (give it to a registrar): ${file.enrolment}`);
}

async function submitOne(server: string | undefined, make: (origin: string) => ReturnType<typeof signKeyEntry>) {
	const target = await openTarget(server);
	try {
		const [r] = await target.submit([await make(target.origin)]);
		log(describeOutcome(r));
		if (r.status !== 'accepted') process.exitCode = 1;
	} finally {
		await target.close();
	}
}

/** grant --key REGISTRAR.json (--enrolment CODE | --grantee HEX --name NAME) --role R --districts A,B */
export async function grant(args: string[]): Promise<void> {
	const { values } = parse(args, {
		key: { type: 'string' },
		enrolment: { type: 'string' },
		grantee: { type: 'string' },
		name: { type: 'string' },
		role: { type: 'string' },
		districts: { type: 'string' },
		server: { type: 'string' }
	});
	const { signer } = readKeyFile(required(values.key, 'key'));
	let grantee: Uint8Array;
	let name: string;
	if (values.enrolment) {
		const e = parseEnrolment(values.enrolment);
		if (!e.ok) throw new UsageError(e.message);
		grantee = e.value.publicKey;
		name = values.name ?? e.value.name;
	} else {
		const hex = required(values.grantee, 'grantee (or --enrolment)');
		if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError('--grantee is a public key in 64 lower-case hex digits');
		grantee = fromHex(hex);
		name = required(values.name, 'name');
	}
	const role = required(values.role, 'role');
	if (role !== 'assessor' && role !== 'registrar') throw new UsageError('--role is assessor or registrar');
	const districts = [...new Set(required(values.districts, 'districts').split(',').map((d) => d.trim()).filter(Boolean))].sort();
	await submitOne(values.server, (origin) =>
		signKeyEntry({ origin, signer, body: { kind: 'grant', grantee, role, name, districts }, claimedTime: Date.now() })
	);
}

/** revoke --key REGISTRAR.json --revoked HEX --reason TEXT */
export async function revoke(args: string[]): Promise<void> {
	const { values } = parse(args, { key: { type: 'string' }, revoked: { type: 'string' }, reason: { type: 'string' }, server: { type: 'string' } });
	const { signer } = readKeyFile(required(values.key, 'key'));
	const hex = required(values.revoked, 'revoked');
	if (!/^[0-9a-f]{64}$/.test(hex)) throw new UsageError('--revoked is a public key in 64 lower-case hex digits');
	const reason = required(values.reason, 'reason');
	await submitOne(values.server, (origin) =>
		signKeyEntry({ origin, signer, body: { kind: 'revoke', revoked: fromHex(hex), reason }, claimedTime: Date.now() })
	);
}

