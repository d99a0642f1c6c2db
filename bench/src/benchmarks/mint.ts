import { createTokenFactory } from '@suitekit/auth-fixtures'
import { formatTable, measure, progress } from '../measure.ts'
import type { Benchmark } from '../benchmark.ts'

/** Cost of an HS256 token minted per test vs auth headers minted once and reused. */
export const mint: Benchmark = {
  description: 'HS256 token minted per test vs headers minted once and reused',
  async run() {
    const tokens = createTokenFactory({ secret: 'a-bench-secret-that-is-long-enough-for-hs256' })
    const user = { id: 'user-1', role: 'admin' }

    progress('minting a fresh token per call')
    const fresh = await measure(
      'mint per test (jose SignJWT, HS256)',
      () => tokens.headersFor(user),
      {
        iterations: 2000,
        warmup: 200,
      },
    )

    progress('reusing headers minted once')
    const cache = new Map<string, Promise<{ authorization: string }>>()
    const cached = await measure(
      'headers minted once, reused',
      () => {
        let headers = cache.get(user.id)
        if (!headers) cache.set(user.id, (headers = tokens.headersFor(user)))
        return headers
      },
      { iterations: 2000, warmup: 200 },
    )

    return {
      table: formatTable([fresh, cached]),
      figures: {
        uncached_mint_ms: fresh.medianMs,
        cached_headers_ms: cached.medianMs,
        cache_speedup: fresh.medianMs / cached.medianMs,
      },
    }
  },
}
