export { openDataSource, databaseAnswers, describeDatabase, type PersistenceOptions } from './data-source.js';
export { PersistenceModule, DATA_SOURCE } from './persistence.module.js';
