/** `npm run migrate`: applies the migrations to DATABASE_URL and exits. */
import { migrate, openDatabase } from './data-source.js';

const url = process.env.DATABASE_URL ?? 'sqlite:./data/ones-m365.sqlite';
try {
  const ds = await openDatabase(url, { migrate: false });
  const applied = await migrate(ds);
  console.log(applied.length ? `Applied ${applied.join(', ')}` : 'Database is up to date');
  await ds.destroy();
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
