export * from './data-source.js';
export * from './entities/index.js';
export * from './repositories/index.js';
export * from './unique-violation.js';
