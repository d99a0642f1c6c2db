export { periodicTask } from './background-task.js'
export { lifespanPlugin } from './fastify-plugin.js'
export { createLifespan } from './lifespan.js'
export { runMain } from './run-main.js'
export type { BackgroundTask, CrashPolicy, PeriodicTaskOptions } from './background-task.js'
export type { FastifyHooks, LifespanPlugin, LifespanPluginOptions } from './fastify-plugin.js'
export type {
  Lifespan,
  LifespanOptions,
  LifespanState,
  Resource,
  StartOptions,
  StopOptions,
  StopReport,
  TaskStatus,
} from './lifespan.js'
export type { RunMainOptions } from './run-main.js'
