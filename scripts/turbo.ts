// Runs turbo with the running Node's major version in the environment, so that turbo.json can
// make it part of every task's cache key (turbo does not hash the runtime itself). `pnpm turbo ...`
// resolves to this script through the root package.json.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const turbo = join(root, 'node_modules', '.bin', 'turbo')
const env = { ...process.env, SUITEKIT_NODE_MAJOR: process.versions.node.split('.')[0] }
const result = spawnSync(turbo, process.argv.slice(2), { stdio: 'inherit', env })
if (result.error) {
  console.error(`could not run ${turbo}: ${result.error.message}; run scripts/bootstrap.sh first`)
  process.exit(1)
}
process.exit(result.status ?? 1)
