export { periodicTask } from './background-task.js'
export { createLifespan } from './lifespan.js'
export type { BackgroundTask, CrashPolicy, PeriodicTaskOptions } from './background-task.js'
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
