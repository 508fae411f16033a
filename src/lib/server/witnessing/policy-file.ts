// Where the log's witness policy comes from: <DATA_DIR>/witnesses.txt, or the file WITNESS_POLICY
// names (docs/protocol.md "Witnesses"). No file: no witnesses. A malformed file stops the server
// with the line at fault: serving without the witnesses the operator configured would be silent.
import { existsSync, readFileSync } from 'node:fs';
import { EMPTY_POLICY, parsePolicy, type WitnessPolicy } from '../../core/witness/policy';

export function readWitnessPolicy(path: string): WitnessPolicy {
	if (!existsSync(path)) return EMPTY_POLICY;
	const parsed = parsePolicy(readFileSync(path, 'utf8'));
	if (!parsed.ok) throw new Error(`${path}: ${parsed.message}`);
	const missing = parsed.value.witnesses.filter((w) => !w.url);
	if (missing.length) throw new Error(`${path}: give the URL of witness ${missing[0].key.name} (witness <vkey> <url>), so the log can submit its checkpoints`);
	return parsed.value;
}
