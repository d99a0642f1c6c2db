import { expect, it } from 'vitest'

it('exports exactly the public API', async () => {
  expect(Object.keys(await import('./index.js')).sort()).toMatchInlineSnapshot(`
    [
      "DbIsolationError",
      "IsolationEscapeError",
      "beginTestScope",
      "createTemplate",
      "isIsolationEscape",
      "openDatabaseClone",
      "openWorkerDatabase",
      "prepareForIsolation",
      "startPostgres",
      "withTestTransaction",
      "workerDatabaseName",
    ]
  `)
})

it('exports exactly the vitest API from @suitekit/db-isolation/vitest', async () => {
  expect(Object.keys(await import('./vitest.js')).sort()).toMatchInlineSnapshot(`
    [
      "dbTest",
    ]
  `)
})
