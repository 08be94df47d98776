/**
 * vitest globalSetup: one throwaway PostgreSQL for the whole run, handed to tests as
 * inject('touchbasePgUrl') ('' when PostgreSQL is not installed: the PostgreSQL variants skip,
 * except on CI where that is an error).
 */
import type { TestProject } from 'vitest/node';
import { postgresBinDir, startPostgres } from './postgres';

declare module 'vitest' {
  export interface ProvidedContext {
    touchbasePgUrl: string;
  }
}

export default async function setup(project: TestProject) {
  if (!postgresBinDir()) {
    if (process.env.CI)
      throw new Error('CI needs PostgreSQL: install postgresql (initdb not found)');
    console.warn(
      'PostgreSQL is not installed: skipping the PostgreSQL variants of the server tests',
    );
    project.provide('touchbasePgUrl', '');
    return;
  }
  const postgres = await startPostgres();
  project.provide('touchbasePgUrl', postgres.url);
  return () => postgres.stop();
}
