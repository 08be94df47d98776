/**
 * The list of migrations, in order. Each file is frozen once committed; add new ones at the end.
 * Listed statically (not read from a folder) so they work the same under tsx and in a bundle.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001_initial';
import * as adapterSwitches from './0002_adapter_switches';

const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_adapter_switches': adapterSwitches,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
