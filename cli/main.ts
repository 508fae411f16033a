// The operator's command line: `npm run cli -- <command> [options]`.
import { terminalText, UsageError } from './args';
import { demo } from './commands/demo';
import { edit } from './commands/edit';
import { erase } from './commands/erase';
import { init } from './commands/init';
import { grant, keygen, revoke } from './commands/keys';
import { serve } from './commands/serve';
import { verify } from './commands/verify';
import { monitor } from './commands/monitor';
import { backup, restore } from './commands/backup';
import { verifyExtractCommand } from './commands/verify-extract';
import { witness } from './commands/witness';
import { status } from './commands/status';

const HELP = `Parcel Ledger operator commands (data folder: DATA_DIR, default ./data; DATABASE_URL for PostgreSQL)

  init --origin NAME [--registrar-name NAME] [--registrar-key FILE]
        create a log: its signing key, and the first registrar (entry 0)
  demo [--parcels N]            create the demo county (what npm start does on an empty ./data)
  keygen --name NAME --out FILE  make an editor key and print its enrolment code
  grant --key REGISTRAR.json (--enrolment CODE | --grantee HEX --name NAME) --role assessor|registrar --districts A,B [--server URL]
  revoke --key REGISTRAR.json --revoked HEX --reason TEXT [--server URL]
  edit --key FILE --parcel ID --part parcel|valuation|title|private --set field=value … [--server URL]
  erase --key REGISTRAR.json --parcel ID --field PATH [--field …] --reason TEXT --basis TEXT [--server URL]
        erase private values on a legal request (entries stay; bodies go; the log still verifies)
  verify URL [--key VERIFIER_KEY] [--changes] [--policy FILE]
        audit a running log: checkpoint, tiles, every entry, signature and grant; exit 1 on any failure;
        then the served checkpoint's witness cosignatures against the policy (FILE, else /log/witnesses)
  verify --local [--key VERIFIER_KEY]
        the same audit of the data folder's (or DATABASE_URL's) store in place, e.g. a restored backup
  monitor URL --key VERIFIER_KEY [--state FILE] [--once] [--interval SECONDS]
        follow a log: each new checkpoint's signature, consistency, entries and parcel map root;
        resumes from FILE (default monitor/state.bin); exit 1 on a disagreement, evidence kept
  backup --out FILE [--format sqlite|ndjson] [--key VERIFIER_KEY]
        a consistent copy of the log store, taken while the server runs (not the log key)
  restore --from FILE [--key VERIFIER_KEY]
        a backup into an empty data folder or database; verified before it commits
  verify-extract FILE [--key VERIFIER_KEY] [--policy FILE] [--log URL]
        check a parcel extract offline (proofs, signatures, changes, record, witness cosignatures);
        exit 1 if it does not verify; --log compares its checkpoint with the log's current one (a fork: exit 1)
  serve [--port N]              serve the built app on this data folder
  status [URL]                  a running server's role, tree size, witnesses' health and fork evidence
        (default http://127.0.0.1:$PORT or :3000); exit 1 on fork evidence or a witness conflict
  witness --key FILE --state FILE --port N --log LOG_VERIFIER_KEY [--log …] [--name NAME] [--host H]
        run a C2SP tlog-witness: cosign each checkpoint of those logs that is consistent with the
        last one it cosigned (key file made with --name when absent; state written atomically)

Writes go to --server URL when given, else straight to the local data folder (with no server running on it).`;

const commands: Record<string, (args: string[]) => Promise<void>> = { erase, init, demo, keygen, grant, revoke, edit, verify, monitor, 'verify-extract': verifyExtractCommand, backup, restore, serve, witness, status };

const [name, ...args] = process.argv.slice(2);
if (!name || name === 'help' || name === '--help' || name === '-h') {
	console.log(HELP);
	process.exit(name ? 0 : 2);
}
const command = commands[name];
if (!command) {
	console.error(`unknown command ${JSON.stringify(name)}\n\n${HELP}`);
	process.exit(2);
}
try {
	await command(args);
} catch (e) {
	// A message may carry what a server or a file said: printed through terminalText like all output.
	if (e instanceof UsageError) {
		console.error(terminalText(`error: ${e.message}`));
		process.exit(2);
	}
	console.error(terminalText(`error: ${(e as Error).message}`));
	process.exit(1);
}
