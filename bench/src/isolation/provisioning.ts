import { performance } from 'node:perf_hooks'
import {
  createTemplate,
  openWorkerDatabase,
  type IsolationOptions,
  type Template,
} from '@suitekit/db-isolation'

/** What providing one worker with its database cost: `createTemplate` + `openWorkerDatabase`. */
export interface Provisioning {
  /** Wall time of `createTemplate`. */
  templateMs: number
  /** `template.buildMs`: the schema build alone (0 when the template was reused). */
  buildMs: number
  /** `openWorkerDatabase(...).readyMs`. */
  readyMs: number
  /** Schema builds done (`template.built`), summed over the repetitions. */
  builds: number
  /** Worker databases reused from an earlier open (PostgreSQL), summed over the repetitions. */
  reused: number
  repetitions: number
}

/** Cold provisioning (nothing cached: the template is built), then warm (medians of `warmRuns`). */
export async function measureProvisioning(
  options: IsolationOptions,
  warmRuns: number,
): Promise<{ cold: Provisioning; warm: Provisioning; template: Template }> {
  const cold = await provisionOnce(options)
  const warmSamples: Provisioning[] = []
  let template = cold.template
  for (let i = 0; i < warmRuns; i++) {
    const warm = await provisionOnce(options)
    warmSamples.push(warm.provisioning)
    template = warm.template
  }
  const median = (pick: (p: Provisioning) => number) => {
    const sorted = warmSamples.map(pick).sort((a, b) => a - b)
    return sorted[Math.floor(sorted.length / 2)]!
  }
  const sum = (pick: (p: Provisioning) => number) => warmSamples.reduce((s, p) => s + pick(p), 0)
  return {
    cold: cold.provisioning,
    warm: {
      templateMs: median((p) => p.templateMs),
      buildMs: median((p) => p.buildMs),
      readyMs: median((p) => p.readyMs),
      builds: sum((p) => p.builds),
      reused: sum((p) => p.reused),
      repetitions: warmRuns,
    },
    template,
  }
}

async function provisionOnce(
  options: IsolationOptions,
): Promise<{ provisioning: Provisioning; template: Template }> {
  const started = performance.now()
  const template = await createTemplate(options)
  const templateMs = performance.now() - started
  const worker = await openWorkerDatabase(template, { workerId: '1' })
  await worker.close()
  return {
    template,
    provisioning: {
      templateMs,
      buildMs: template.buildMs,
      readyMs: worker.readyMs,
      builds: template.built ? 1 : 0,
      reused: worker.reused ? 1 : 0,
      repetitions: 1,
    },
  }
}
