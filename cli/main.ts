// The operator's command line: `npm run cli -- <command> [options]`.
import { UsageError } from './args';
import { demo } from './commands/demo';
import { edit } from './commands/edit';
import { init } from './commands/init';
import { grant, keygen, revoke } from './commands/keys';
import { serve } from './commands/serve';
import { verify } from './commands/verify';

const HELP = `Parcel Ledger operator commands (data folder: DATA_DIR, default ./data; DATABASE_URL for PostgreSQL)

  init --origin NAME [--registrar-name NAME] [--registrar-key FILE]
        create a log: its signing key, and the first registrar (entry 0)
  demo [--parcels N]            create the demo county (what npm start does on an empty ./data)
  keygen --name NAME --out FILE  make an editor key and print its enrolment code
  grant --key REGISTRAR.json (--enrolment CODE | --grantee HEX --name NAME) --role assessor|registrar --districts A,B [--server URL]
  revoke --key REGISTRAR.json --revoked HEX --reason TEXT [--server URL]
  edit --key FILE --parcel ID --part parcel|valuation|title|private --set field=value … [--server URL]
  verify URL [--key VERIFIER_KEY] [--changes]
        audit a running log: checkpoint, tiles, every entry, signature and grant; exit 1 on any failure
  serve [--port N]              serve the built app on this data folder

Writes go to --server URL when given, else straight to the local data folder (with no server running on it).`;

const commands: Record<string, (args: string[]) => Promise<void>> = { init, demo, keygen, grant, revoke, edit, verify, serve };

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
	if (e instanceof UsageError) {
		console.error(`error: ${e.message}`);
		process.exit(2);
	}
	console.error(`error: ${(e as Error).message}`);
	process.exit(1);
}
