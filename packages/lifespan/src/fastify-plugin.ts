import type { Lifespan, StartOptions } from './lifespan.js'

/** The part of a Fastify instance the plugin uses (no dependency on fastify itself). */
export interface FastifyHooks {
  addHook(name: 'onReady' | 'onClose', hook: () => Promise<void>): unknown
}

/** Options of {@link lifespanPlugin}. */
export interface LifespanPluginOptions {
  /** Passed to `lifespan.start()`; `false` in tests. @default true */
  background?: StartOptions['background']
  /** Passed to `lifespan.stop()`. @default 10_000 */
  stopTimeoutMs?: number
}

/** A Fastify plugin function, as `app.register` takes it. */
export type LifespanPlugin = (
  app: FastifyHooks,
  options: unknown,
  done: (error?: Error) => void,
) => void

/**
 * A Fastify plugin that starts `lifespan` before the app is ready and stops it when the app closes.
 * `app.inject()` readies the app, so tests get the resources (and, with `background: false`, no task).
 *
 * @example
 * app.register(lifespanPlugin(lifespan, { background: process.env.NODE_ENV !== 'test' }))
 */
export function lifespanPlugin(
  lifespan: Lifespan,
  options: LifespanPluginOptions = {},
): LifespanPlugin {
  const plugin: LifespanPlugin = (app, _options, done) => {
    app.addHook('onReady', () => lifespan.start({ background: options.background ?? true }))
    app.addHook('onClose', async () => {
      await lifespan.stop({ timeoutMs: options.stopTimeoutMs ?? 10_000 })
    })
    done()
  }
  // what fastify-plugin does: the hooks apply to the whole app, not to an encapsulated child
  return Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@suitekit/lifespan',
  })
}
