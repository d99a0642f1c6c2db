import type { Benchmark } from './benchmark.ts'
import { api } from './benchmarks/api.ts'
import { auth } from './benchmarks/auth.ts'
import { isolation } from './benchmarks/isolation.ts'
import { reporter } from './benchmarks/reporter.ts'

/** Every benchmark `pnpm bench <name>` knows, by name. */
export const benchmarks: Record<string, Benchmark> = { api, auth, isolation, reporter }
