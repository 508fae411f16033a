// witness --key FILE --state FILE --port N --log <log verifier key> [--log …] [--name NAME] [--host H]
// Runs a C2SP tlog-witness service for the given logs (docs/protocol.md "Witnesses").
import { parseVerifierKey, type NoteVerifierKey } from '../../src/lib/core/log/note';
import { openWitnessKey } from '../../src/lib/server/witness/files';
import { WitnessService } from '../../src/lib/server/witness/service';
import { log, parse, required, UsageError } from '../args';

export async function witness(args: string[]): Promise<void> {
	const { values } = parse(args, {
		key: { type: 'string' },
		state: { type: 'string' },
		port: { type: 'string' },
		host: { type: 'string' },
		log: { type: 'string', multiple: true },
		name: { type: 'string' }
	});
	const keyFile = required(values.key, 'key');
	const stateFile = required(values.state, 'state');
	const port = Number(required(values.port, 'port'));
	if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError('--port is a TCP port, 1–65535');
	const logs: NoteVerifierKey[] = [];
	for (const text of values.log ?? []) {
		const k = parseVerifierKey(text);
		if (!k.ok) throw new UsageError(`--log: ${k.message}`);
		logs.push(k.value);
	}
	if (!logs.length) throw new UsageError('give the verifier key of each log to witness: --log <origin>+<key id>+<base64> (its /log/key)');
	const host = values.host ?? '127.0.0.1';
	let opened: ReturnType<typeof openWitnessKey>;
	try {
		opened = openWitnessKey(keyFile, values.name);
	} catch (e) {
		throw new UsageError((e as Error).message);
	}
	const { key, created } = opened;
	if (created) log(`created a new witness key in ${keyFile}`);

	const service = new WitnessService({
		key,
		logs,
		stateFile,
		onAnswer: (a, evidence) => {
			if (a.outcome === 'cosigned') return;
			const line = `[witness] ${a.status} ${a.outcome}: ${a.body.trim().slice(0, 200)}`;
			if (evidence) console.error(`${line}\n[witness] EVIDENCE of a log that signed an inconsistent tree kept in ${evidence}`);
			else console.error(line);
		}
	});
	const server = service.httpServer();
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve());
	});
	for (const l of logs) {
		const s = service.state.logs[l.name];
		log(`witnessing ${l.name}: ${s ? `last cosigned size ${s.size}` : 'nothing cosigned yet'}`);
	}
	log(`policy line: witness ${key.vkey} http://${host}:${port}`);
	log(`listening on http://${host}:${port} (POST /add-checkpoint)`);
	const stop = () => {
		server.close();
		service.close();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	await new Promise(() => {}); // serve until stopped
}
