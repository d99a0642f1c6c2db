import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'

const lifespanModule = new URL('../dist/index.js', import.meta.url).href

/** Runs a service built with runMain from the built package, in a child process. */
function service(body: string) {
  const script = `
    import { createLifespan, runMain } from ${JSON.stringify(lifespanModule)}
    const log = (m) => process.stdout.write(m + '\\n')
    // a service holds an open handle (its server socket); signal listeners alone keep no process alive
    const server = setInterval(() => {}, 1 << 30)
    ${body}
  `
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const waitFor = async (text: string) => {
    for (let i = 0; i < 200 && !output.includes(text); i++)
      await new Promise((r) => setTimeout(r, 25))
    if (!output.includes(text)) throw new Error(`the service never printed '${text}':\n${output}`)
  }
  return { child, exited, waitFor, output: () => output }
}

const slowResource = (stopMs: number) => `
  const lifespan = createLifespan([{ name: 'db', start() { log('db up') },
    async stop() { await new Promise((r) => setTimeout(r, ${stopMs})); log('db down') } }])
  await runMain(lifespan, () => log('ready'), { timeoutMs: 5000, log })
`

describe('runMain', () => {
  it('stops gracefully on SIGTERM and exits 0', async () => {
    const svc = service(slowResource(50))
    await svc.waitFor('ready')
    svc.child.kill('SIGTERM')
    expect(await svc.exited).toBe(0)
    expect(svc.output()).toContain('received SIGTERM: stopping')
    expect(svc.output()).toContain('db down')
  })

  it('exits at once with 128 + the signal number on a second signal', async () => {
    const svc = service(slowResource(10_000))
    await svc.waitFor('ready')
    svc.child.kill('SIGINT')
    await svc.waitFor('received SIGINT')
    svc.child.kill('SIGINT')
    expect(await svc.exited).toBe(130)
    expect(svc.output()).toContain('SIGINT again: exiting now')
    expect(svc.output()).not.toContain('db down')
  })

  it('exits 1 when a background task crashes for good', async () => {
    const svc = service(`
      const lifespan = createLifespan({ tasks: [{ name: 'consumer', onCrash: 'fail', run: () => Promise.reject(new Error('queue gone')) }] })
      await runMain(lifespan, () => log('ready'), { log })
    `)
    expect(await svc.exited).toBe(1)
    expect(svc.output()).toContain(
      "the lifespan failed: background task 'consumer' crashed; stopping the lifespan",
    )
  })

  it('exits 1 when a resource fails to start', async () => {
    const svc = service(`
      const lifespan = createLifespan([{ name: 'db', start() { throw new Error('ECONNREFUSED') }, stop() {} }])
      await runMain(lifespan, () => log('ready'), { log })
    `)
    expect(await svc.exited).toBe(1)
    expect(svc.output()).toContain(
      "the lifespan failed: lifespan failed to start: resource 'db' threw",
    )
    expect(svc.output()).toContain('caused by: ECONNREFUSED')
    expect(svc.output()).not.toContain('ready')
  })

  it('installs no signal handler when imported', async () => {
    const before = process.listenerCount('SIGTERM')
    await import('./index.js')
    expect(process.listenerCount('SIGTERM')).toBe(before)
  })
})
