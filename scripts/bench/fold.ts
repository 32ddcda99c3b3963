// The rollup fold's cost per logged row: folds a data folder's whole prediction log again from
// the start (on a copy of its database), and prints rows/s and µs per row. Run on a data folder a
// bench or a soak left behind: `npx tsx scripts/bench/fold.ts <DATA_DIR> [rounds]`.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client';
import { countPredictedRows } from '../../db/queries/predictions';
import { resetRollups } from '../../db/queries/rollups';
import { processPredictionLog } from '../../lib/server/monitoring/rollup';

const [source, roundsArg] = process.argv.slice(2);
if (!source) throw new Error('usage: fold.ts <DATA_DIR> [rounds]');
const work = mkdtempSync(join(tmpdir(), 'fold-'));
copyFileSync(join(source, 'modeldock.sqlite'), join(work, 'modeldock.sqlite'));
const database = openDatabase(work);
async function main(): Promise<void> {
  const rows = await countPredictedRows(database.db);
  for (let round = 0; round < Number(roundsArg ?? 3); round++) {
    resetRollups(database.db);
    const started = performance.now();
    while (processPredictionLog(database.db).more);
    const ms = performance.now() - started;
    console.log(`fold: ${rows} rows in ${ms.toFixed(0)} ms: ${Math.round(rows / (ms / 1000))} rows/s, ${((ms * 1000) / rows).toFixed(2)} µs/row`);
  }
  closeDatabase(database);
  rmSync(work, { recursive: true, force: true });
}
void main();
