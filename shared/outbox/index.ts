export * from './follow-up.js';
export * from './outbox.js';
