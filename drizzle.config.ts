// drizzle-kit settings: `npm run db:generate` diffs drizzle/schema against migrations/ and writes SQL there.
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema/index.ts',
  out: './migrations',
  casing: 'snake_case',
});
