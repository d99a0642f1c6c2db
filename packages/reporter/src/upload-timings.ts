import type { TimingsFile } from './timings-file.js'

/** Where and how to upload a timings file to the Insights API. */
export interface UploadOptions {
  /** The Insights API's base URL, e.g. `https://insights.example.com`. */
  url: string
  /** A project API token (sent as `Bearer`). */
  token: string
  /** @default 10000 */
  timeoutMs?: number
}

/** What came of an upload. */
export type UploadResult = { ok: true; status: number } | { ok: false; reason: string }

/**
 * POSTs the timings file to `<url>/api/uploads` as JSON with the project token. Never throws: a
 * failure (network, timeout, a non-2xx answer) comes back as `{ ok: false, reason }`.
 */
export async function uploadTimings(
  timings: TimingsFile,
  { url, token, timeoutMs = 10_000 }: UploadOptions,
): Promise<UploadResult> {
  let endpoint: URL
  try {
    endpoint = new URL('api/uploads', url.endsWith('/') ? url : `${url}/`)
  } catch {
    return { ok: false, reason: `'${url}' is not a URL` }
  }
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(timings),
      signal: AbortSignal.timeout(timeoutMs),
    })
    if (response.ok) return { ok: true, status: response.status }
    const body = (await response.text().catch(() => '')).slice(0, 300)
    return { ok: false, reason: `HTTP ${response.status}${body ? `: ${body}` : ''}` }
  } catch (error) {
    const reason =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error
          ? ((error.cause as Error | undefined)?.message ?? error.message)
          : String(error)
    return { ok: false, reason }
  }
}
