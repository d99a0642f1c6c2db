// Detached watchdog of a throwaway PostgreSQL cluster: when the process that started it is gone
// (crash, SIGKILL, Ctrl-C that skipped teardown), stop the server and delete its folder.
// argv: <owner pid> <cluster dir> <bin dir> <os user to run pg_ctl as, or ''>
import { execFile } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { isAlive } from './internal/process.js'

const [ownerPid, dir, binDir, user] = process.argv.slice(2) as [string, string, string, string]

function reap(): void {
  if (!existsSync(dir)) process.exit(0)
  const pgCtl = join(binDir, 'pg_ctl')
  const args = ['stop', '-m', 'immediate', '-w', '-D', join(dir, 'data')]
  const [cmd, cmdArgs] = user ? ['runuser', ['-u', user, '--', pgCtl, ...args]] : [pgCtl, args]
  execFile(cmd, cmdArgs, () => {
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
}

// the owner stops the cluster itself and then kills this process: nothing to do then
process.on('SIGTERM', () => process.exit(0))
setInterval(() => {
  if (!isAlive(Number(ownerPid))) reap()
}, 250)
