import { InitialSchema1764300000000 } from './1764300000000-initial-schema.js';

/** Every migration, in order. New ones are appended here. */
export const MIGRATIONS = [InitialSchema1764300000000];
