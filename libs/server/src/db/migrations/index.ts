import { Foundation1763776800000 } from './1763776800000-foundation';

/** Every migration in order. Listed explicitly so bundling or renaming can never skip one. */
export const MIGRATIONS = [Foundation1763776800000];
