export * from './job-ids.js';
export * from './job-options.js';
export * from './job-payloads.js';
export * from './producer.js';
export * from './queue-names.js';
export * from './redis-connection.js';
