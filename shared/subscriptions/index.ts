export * from './events.js';
export * from './specs.js';
export * from './stream-delta.js';
