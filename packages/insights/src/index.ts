export { createDatabase } from './database.js'
export type { DatabaseResource } from './database.js'
