import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { TimingsFile } from './timings-file.js'
import { uploadTimings } from './upload-timings.js'

const timings: TimingsFile = {
  version: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  wallMs: 10,
  workers: 1,
  busyMs: { 1: 10 },
  parallelEfficiency: 1,
  files: [],
  tests: [],
}

let server: Server | undefined
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  server = undefined
})

/** A real HTTP server on a random loopback port; returns its base URL. */
async function serve(
  handler: (request: IncomingMessage, body: string) => [number, string] | 'hang',
): Promise<string> {
  server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      const answer = handler(request, body)
      if (answer === 'hang') return
      response.writeHead(answer[0]).end(answer[1])
    })
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

describe('uploadTimings', () => {
  it('POSTs the timings as JSON to /api/uploads with the project token', async () => {
    let seen: { url?: string; auth?: string; type?: string; body?: unknown } = {}
    const url = await serve((request, body) => {
      seen = {
        url: request.url,
        auth: request.headers.authorization,
        type: request.headers['content-type'],
        body: JSON.parse(body),
      }
      return [202, '{"id":"u1"}']
    })
    expect(await uploadTimings(timings, { url: `${url}/`, token: 'tok' })).toEqual({
      ok: true,
      status: 202,
    })
    expect(seen).toEqual({
      url: '/api/uploads',
      auth: 'Bearer tok',
      type: 'application/json',
      body: timings,
    })
  })

  it('reports a refusal with its status and body instead of throwing', async () => {
    const url = await serve(() => [401, '{"error":"unknown project token"}'])
    expect(await uploadTimings(timings, { url, token: 'bad' })).toEqual({
      ok: false,
      reason: 'HTTP 401: {"error":"unknown project token"}',
    })
  })

  it('gives up after its timeout', async () => {
    const url = await serve(() => 'hang')
    expect(await uploadTimings(timings, { url, token: 't', timeoutMs: 100 })).toEqual({
      ok: false,
      reason: 'no answer within 100 ms',
    })
  })

  it('reports an unreachable server and a malformed URL', async () => {
    // a port that was free a moment ago: nothing listens there
    const closed = await serve(() => [200, ''])
    await new Promise((resolve) => server!.close(resolve))
    server = undefined
    const refused = await uploadTimings(timings, { url: closed, token: 't' })
    expect(refused.ok).toBe(false)
    expect(!refused.ok && refused.reason).toContain('ECONNREFUSED')
    expect(await uploadTimings(timings, { url: 'not a url', token: 't' })).toEqual({
      ok: false,
      reason: "'not a url' is not a URL",
    })
  })
})
