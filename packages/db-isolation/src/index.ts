export { workerDatabaseName } from './worker-database-name.js'
