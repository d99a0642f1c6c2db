import { createServer, type Server } from 'node:http'
import { jwksOf, type TestKey } from './test-key.js'

/** A loopback OpenID issuer serving discovery and the JWKS of test keys. */
export interface TestIssuer {
  /** The issuer identifier: the `iss` tokens carry and the base of the discovery document. */
  readonly issuer: string
  /** `<issuer>/.well-known/openid-configuration` */
  readonly discoveryUrl: string
  /** `<issuer>/jwks.json`, for `createRemoteJWKSet(new URL(jwksUri))`. */
  readonly jwksUri: string
  /** Replaces the published keys (key rotation: publish the new key next to the old one first). */
  setKeys(keys: readonly TestKey[]): void
  /** Stops the server. */
  stop(): Promise<void>
}

/**
 * Starts an OpenID issuer on 127.0.0.1 (random port) that publishes `keys` for apps that fetch their
 * verification keys (`createRemoteJWKSet`). The caller stops it.
 *
 * @example
 * const issuer = await startTestIssuer({ keys: [key] })
 * const tokens = createTokenFactory({ key, issuer: issuer.issuer })
 */
export async function startTestIssuer({ keys }: { keys: readonly TestKey[] }): Promise<TestIssuer> {
  let published = jwksOf(keys)
  let algorithms = [...new Set(keys.map((k) => k.alg))]
  let base = ''
  const server: Server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
      })
      response.end(JSON.stringify(body))
    }
    if (request.method !== 'GET') return send(405, { error: 'only GET is served' })
    if (request.url === '/.well-known/openid-configuration') {
      return send(200, {
        issuer: base,
        jwks_uri: `${base}/jwks.json`,
        id_token_signing_alg_values_supported: algorithms,
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
      })
    }
    if (request.url === '/jwks.json') return send(200, published)
    return send(404, { error: `no such path: ${request.url}` })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the test issuer got no TCP port')
  base = `http://127.0.0.1:${address.port}`
  return {
    issuer: base,
    discoveryUrl: `${base}/.well-known/openid-configuration`,
    jwksUri: `${base}/jwks.json`,
    setKeys(next) {
      published = jwksOf(next)
      algorithms = [...new Set(next.map((k) => k.alg))]
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
