/** Shared by the PostgreSQL benchmarks. */
import pg from 'pg';

/** Drops and creates the database `url` names (the benchmarks own theirs). */
export async function recreateDatabase(url: URL): Promise<void> {
  const admin = new pg.Client({ connectionString: new URL('/postgres', url).toString() });
  await admin.connect();
  const db = url.pathname.slice(1);
  await admin.query(`drop database if exists ${db} with (force)`);
  await admin.query(`create database ${db}`);
  await admin.end();
}
