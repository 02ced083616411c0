export * from './events.js';
export * from './specs.js';
export * from './stream-delta.js';
export * from './schedule-facts.js';
