export { openDataSource, databaseAnswers, describeDatabase, type PersistenceOptions } from './data-source.js';
