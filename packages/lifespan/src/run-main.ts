import type { Lifespan } from './lifespan.js'

/** Options of {@link runMain}. */
export interface RunMainOptions {
  /** How long a graceful stop may take. @default 10_000 */
  timeoutMs?: number
  /** Signals that stop the process gracefully; the second one forces the exit. @default ['SIGINT', 'SIGTERM'] */
  signals?: readonly NodeJS.Signals[]
  /** Where progress goes. @default console.error */
  log?: (message: string) => void
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {
  SIGINT: 2,
  SIGTERM: 15,
  SIGHUP: 1,
}

/**
 * Runs a service: starts `lifespan` (background tasks included), then `main` (e.g. listen). The
 * first SIGINT/SIGTERM stops the lifespan gracefully and exits 0 (1 if stopping failed); a second
 * one exits at once with 128 + the signal number. A lifespan that fails (a task crashed for good)
 * exits 1. The only function here that touches the process.
 *
 * @example
 * await runMain(lifespan, () => app.listen({ port: 3000 }))
 */
export async function runMain(
  lifespan: Lifespan,
  main?: () => unknown,
  {
    timeoutMs = 10_000,
    signals = ['SIGINT', 'SIGTERM'],
    log = (m) => console.error(m),
  }: RunMainOptions = {},
): Promise<void> {
  let stopping = false
  const exit = (code: number) => process.exit(code)
  const stop = (reason: string, code: number) => {
    stopping = true
    log(`${reason}: stopping (send it again to force)`)
    lifespan.stop({ timeoutMs }).then(
      () => exit(code),
      (error: unknown) => {
        log(`stopped with errors: ${error instanceof Error ? error.message : String(error)}`)
        exit(1)
      },
    )
  }
  for (const signal of signals) {
    process.on(signal, () => {
      if (stopping) {
        log(`${signal} again: exiting now`)
        exit(128 + (SIGNAL_NUMBERS[signal] ?? 0))
      }
      stop(`received ${signal}`, 0)
    })
  }
  // a failed start, or a task that crashed for good: the lifespan has stopped itself
  lifespan.done.catch((error: unknown) => {
    if (stopping) return // the stop in progress exits 1
    log(`the lifespan failed: ${describeFailure(error)}`)
    exit(1)
  })
  try {
    await lifespan.start()
  } catch {
    return // reported through lifespan.done above
  }
  try {
    await main?.()
  } catch (error) {
    stop(`main failed: ${error instanceof Error ? error.message : String(error)}`, 1)
  }
}

/**
 * An error's message and, one per line, what caused it: a lifespan's own error only names the part
 * that failed ("resource 'http' threw"); the cause says why.
 */
function describeFailure(error: unknown): string {
  const lines: string[] = []
  const seen = new Set<unknown>()
  const visit = (current: unknown, depth: number): void => {
    if (seen.has(current) || depth > 5) return
    seen.add(current)
    const message = current instanceof Error ? current.message : String(current)
    if (depth === 0) lines.push(message)
    else if (!lines.some((line) => line.endsWith(message)))
      lines.push(`${'  '.repeat(depth)}caused by: ${message}`)
    if (current instanceof Error && current.cause !== undefined) visit(current.cause, depth + 1)
  }
  visit(error, 0)
  return lines.join('\n')
}
