import { spawn, type ChildProcess } from 'node:child_process'
import { open, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { isAlive } from './process.js'

/** How often the server's state is looked at: `pg_ctl -w` looks every 100 ms, a start takes ~15. */
const POLL_MS = 5

/** The postmaster's pid and state, from `postmaster.pid` (line 1 and line 8); undefined before it is written. */
async function postmasterStatus(
  dataDir: string,
): Promise<{ pid: number; status: string } | undefined> {
  const lines = (await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '')).split(
    '\n',
  )
  const pid = Number(lines[0])
  return pid > 0 ? { pid, status: (lines[7] ?? '').trim() } : undefined
}

/**
 * Starts `postgres` (`command` and `args`: the binary, or `runuser` running it as its OS user) in a
 * session of its own with its output appended to `logFile`, and waits until it accepts connections
 * (`postmaster.pid` in `dataDir` says `ready`). This is what `pg_ctl start -w` does, but it looks
 * every 5 ms instead of every 100, and it knows at once when the server exits while starting.
 * @throws when the server exits first or is not ready within `timeoutMs`
 */
export async function startPostmaster(
  command: string,
  args: string[],
  dataDir: string,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const log = await open(logFile, 'a')
  let child: ChildProcess
  let exited: string | undefined
  let spawnError: Error | undefined
  try {
    child = spawn(command, args, { detached: true, stdio: ['ignore', log.fd, log.fd] })
    // before any await: a failed spawn reports its error on the next tick, unheard it would crash
    child.once('error', (error) => (spawnError = error))
    child.once('exit', (code, signal) => {
      exited = signal ? `killed by ${signal}` : `exit code ${String(code)}`
    })
  } finally {
    await log.close()
  }
  // the server outlives this process's event loop: stop() or the reaper ends it
  child.unref()
  try {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      if (spawnError) throw spawnError
      if (exited) throw new Error(`the server exited while starting (${exited})`)
      if ((await postmasterStatus(dataDir))?.status === 'ready') return
      if (performance.now() > deadline) {
        throw new Error(`the server did not accept connections within ${timeoutMs / 1000} s`)
      }
      await sleep(POLL_MS)
    }
  } catch (error) {
    // a server still starting may not have written postmaster.pid yet: end its process group
    // (its own, being detached: runuser and postgres), so that nothing is left running
    if (!exited && !spawnError && child.pid !== undefined) await endProcessGroup(child, child.pid)
    throw error
  }
}

/** SIGQUIT to the group led by `pid`, SIGKILL after 5 s, and waits for `child` to exit. */
async function endProcessGroup(child: ChildProcess, pid: number): Promise<void> {
  const ended = new Promise((resolve) => child.once('exit', resolve))
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name)
    } catch {
      // gone already
    }
  }
  signal('SIGQUIT')
  const timer = setTimeout(() => signal('SIGKILL'), 5000)
  await ended
  clearTimeout(timer)
}

/**
 * Stops the server of `dataDir` at once (SIGQUIT: an immediate shutdown, no checkpoint, as its data
 * is thrown away next) and waits until it has removed its `postmaster.pid` on exit, as `pg_ctl stop
 * -w` does (an exited server can linger as a zombie where nobody reaps it), looking every 5 ms.
 * Falls back to `pgCtlStop` when the pid is not this process's to signal or the server outlives
 * `timeoutMs`; does nothing when there is no `postmaster.pid` (no server runs there).
 */
export async function stopPostmaster(
  dataDir: string,
  pgCtlStop: () => Promise<unknown>,
  timeoutMs = 10_000,
): Promise<void> {
  const state = await postmasterStatus(dataDir)
  if (!state) return
  if (isAlive(state.pid)) {
    try {
      process.kill(state.pid, 'SIGQUIT')
      const deadline = performance.now() + timeoutMs
      const running = async () =>
        isAlive(state.pid) && (await postmasterStatus(dataDir)) !== undefined
      while ((await running()) && performance.now() < deadline) await sleep(POLL_MS)
      if (!(await running())) return
    } catch {
      // not ours to signal: pg_ctl runs as the server's user
    }
  }
  await pgCtlStop()
}
