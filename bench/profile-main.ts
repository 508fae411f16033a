// Profiling aid: CPU profile of the main thread during SQLite ingest (workers excluded).
//   node --import tsx bench/profile-main.ts [edits] → /tmp/ingest-main.cpuprofile
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import { ingestRate, makeEdits } from './ingest';

const edits = await makeEdits(Number(process.argv[2] ?? 6000));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const r = await ingestRate(new SqliteLogStore(join(mkdtempSync(join(tmpdir(), 'pl-prof-')), 'p.db')), edits);
const { profile } = await session.post('Profiler.stop');
writeFileSync('/tmp/ingest-main.cpuprofile', JSON.stringify(profile));
console.log(`${r.rate.toFixed(0)} edits/s`);
