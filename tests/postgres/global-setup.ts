// Vitest global setup: prints, once per run, why the PostgreSQL tests are skipped.
export default function setup(): void {
  if (!process.env.DATABASE_URL) {
    console.log(
      'postgres: tests skipped, DATABASE_URL is not set (run `bash .ci/with-postgres npm test`, or point DATABASE_URL at a PostgreSQL 13+ database you may create schemas in)',
    )
  }
}
