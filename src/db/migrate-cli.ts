// `npm run db:migrate`: apply committed migrations to DATABASE_URL (or the embedded database) and exit.
import { openDatabase } from '../bootstrap';
import { loadEnv } from '../env';
import { migrateDatabase } from './migrate';

const env = loadEnv();
const database = await openDatabase(env);
await migrateDatabase(database);
await database.close();
console.log(`migrations applied (${database.driver})`);
