// The application's database handle (one per process, see db/client.ts).
import { getHandle, type Db } from '../../db/client';
import { env } from '../env';

export function db(): Db {
  return getHandle(env.DATA_DIR).db;
}
