export { openDataSource, databaseAnswers, describeDatabase, type PersistenceOptions } from './data-source.js';
export { Batcher, keyedBatcher, roundsOfDistinct, type BatcherOptions } from './batcher.js';
export { PersistenceModule, DATA_SOURCE } from './persistence.module.js';
export { sqlOf, valuesList, type Sql } from './sql.js';
export { arrayLiteral, type ArrayElement } from './array-literal.js';
export { describeTable, type ColumnsOf, type JsonValue, type SqlType, type TableDescription } from './table.js';
export { schemaProblems } from './schema-check.js';
export { applyToLatest } from './compare-and-set.js';
export { inOneSnapshot } from './snapshot.js';
