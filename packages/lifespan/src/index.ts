export { createLifespan } from './lifespan.js'
export type { Lifespan, LifespanState, Resource } from './lifespan.js'
