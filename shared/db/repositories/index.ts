export * from './group.repository.js';
export * from './integration.repository.js';
export * from './room.repository.js';
export * from './sync-run.repository.js';
export * from './sync-state.repository.js';
export * from './upsert.js';
export * from './user.repository.js';
export * from './unit-of-work.js';
