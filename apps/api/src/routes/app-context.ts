import type { InsightsOrm } from '@suitekit/insights'
import type { Lifespan } from '@suitekit/lifespan'
import type { AccessTokens } from '../auth/access-tokens.ts'
import type { Authenticator } from '../auth/authenticator.ts'
import type { ApiConfig } from '../config.ts'

/** What every route module gets from `createApp`. */
export interface AppContext {
  config: ApiConfig
  lifespan: Lifespan
  /** The database; read lazily, since the lifespan opens it after the app is built. */
  orm(): InsightsOrm
  tokens: AccessTokens
  auth: Authenticator
}
