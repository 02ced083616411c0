/** `npm run migrate`: applies the migrations to DATABASE_URL and exits. */
import { openDatabase } from './data-source.js';

const url = process.env.DATABASE_URL ?? 'sqlite:./data/ones-m365.sqlite';
try {
  const ds = await openDatabase(url, { migrate: false });
  const applied = await ds.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `Applied ${applied.map((m) => m.name).join(', ')}` : 'Database is up to date');
  await ds.destroy();
} catch (err) {
  console.error(`Migration failed: ${(err as Error).message}`);
  process.exit(1);
}
