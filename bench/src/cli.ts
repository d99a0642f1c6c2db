// pnpm bench <name>: runs one benchmark, prints its table, then one line of JSON with its figures.
import { availableParallelism } from 'node:os'
import { benchmarks } from './registry.ts'

const [name, ...rest] = process.argv.slice(2)
const names = Object.keys(benchmarks).sort()

if (name === undefined || name === '--list' || name === '--help' || rest.length > 0) {
  const list = names.map((n) => `  ${n.padEnd(12)} ${benchmarks[n]!.description}`).join('\n')
  console.error(`usage: pnpm bench <name>\n\nbenchmarks:\n${list}`)
  process.exit(name === undefined || rest.length > 0 ? 2 : 0)
}

const benchmark = benchmarks[name]
if (!benchmark) {
  console.error(`unknown benchmark '${name}'; known: ${names.join(', ')}`)
  process.exit(2)
}

console.error(
  `benchmark '${name}': ${benchmark.description} (Node ${process.versions.node}, ${availableParallelism()} cores)`,
)
const started = performance.now()
const { table, figures } = await benchmark.run()
console.log(`\n${table}\n`)
console.error(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
console.log(JSON.stringify({ benchmark: name, ...figures }))
