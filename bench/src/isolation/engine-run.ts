import type { Measurement } from '../measure.ts'
import type { Provisioning } from './provisioning.ts'
import type { Iterations, Strategy } from './strategies.ts'

/** The engines measured; the key prefixes the engine's figures in the JSON line. */
export type EngineKey = 'sqlite_mem' | 'sqlite_file' | 'pg'

/** Everything measured on one engine. */
export interface EngineRun {
  key: EngineKey
  /** Human-readable engine name, for the tables. */
  label: string
  /** One whole test (5 inserts and a read) under each strategy. */
  perTest: Record<Strategy, Measurement>
  /** An empty test under each strategy: the isolation's own cost, the test's work excluded. */
  isolationOnly: Record<Strategy, Measurement>
  /** Worker provisioning through db-isolation (absent for the hand-made SQLite file). */
  provisioning?: { cold: Provisioning; warm: Provisioning }
  /** PostgreSQL: time to start the throwaway server. */
  serverStartMs?: number
}

/** How one engine is benchmarked: timed calls per strategy, progress output. */
export interface EngineBenchOptions {
  iterations: Iterations
  /** Warm provisioning repetitions (the median is reported). @default 5 */
  warmRuns?: number
  log: (message: string) => void
}
