import type { Benchmark } from './benchmark.ts'
import { isolation } from './benchmarks/isolation.ts'
import { mint } from './benchmarks/mint.ts'

/** Every benchmark `pnpm bench <name>` knows, by name. */
export const benchmarks: Record<string, Benchmark> = { isolation, mint }
