// Profiling aid: SQLite ingest only. node --import tsx --cpu-prof bench/profile-ingest.ts
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteLogStore } from '../src/lib/server/store/sqlite/log-store';
import { ingestRate, makeEdits } from './ingest';

const edits = await makeEdits(Number(process.argv[2] ?? 5000));
const t = performance.now();
const r = await ingestRate(new SqliteLogStore(join(mkdtempSync(join(tmpdir(), 'pl-prof-')), 'p.db')), edits);
console.log(`${r.rate.toFixed(0)} edits/s in ${((performance.now() - t) / 1000).toFixed(1)} s`);
