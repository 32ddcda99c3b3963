// `npm run backup -- [--out <dir>] [--data-dir <dir>]`: an online backup of DATA_DIR (the server may
// keep running) into <out>/modeldock-<time>/ (default out: ./backups). See README "Backup and restore".
import { describeBackup, createBackup } from '../db/backup/backup';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run backup -- [--out <dir>] [--data-dir <dir>]`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let out = './backups';
  let dataDir = process.env.DATA_DIR ?? './data';
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1];
    if (args[i] === '--out' && value) {
      out = value;
      i++;
    } else if (args[i] === '--data-dir' && value) {
      dataDir = value;
      i++;
    } else usage(`unknown argument: ${args[i]}`);
  }
  const result = await createBackup({ dataDir, outDir: out });
  console.log(describeBackup(result));
}

main().catch((err: unknown) => {
  console.error(`backup failed: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
