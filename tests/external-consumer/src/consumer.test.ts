// Packs every published package, installs the tarballs with npm into a project outside the
// workspace and uses each package there: what a user who installs one package gets.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const published = ['lifespan', 'db-isolation', 'auth-fixtures', 'reporter']

// One real call per package, written the way a user would, checked by its printed result.
const usage = `
import { createLifespan } from '@suitekit/lifespan'
import { workerDatabaseName } from '@suitekit/db-isolation'
import { createTokenFactory } from '@suitekit/auth-fixtures'
import { planShards } from '@suitekit/reporter'
import { jwtVerify } from 'jose'

const events: string[] = []
const lifespan = createLifespan([{ name: 'db', start: () => { events.push('start') }, stop: () => { events.push('stop') } }])
await lifespan.start()
await lifespan.stop()

const secret = 'an-outside-secret-of-at-least-32-bytes'
const token = await createTokenFactory({ secret, issuer: 'outside' }).sign({ id: 'u1' })
const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { issuer: 'outside' })

const plan = planShards([{ file: 'a', durationMs: 3 }, { file: 'b', durationMs: 2 }, { file: 'c', durationMs: 1 }], 2)

console.log(JSON.stringify({
  lifespan: events,
  database: workerDatabaseName('app_test', '3'),
  sub: payload.sub,
  shards: plan.map((s) => s.files),
}))
`

/** The first ```ts block under a README's `## Usage` heading. */
function usageSnippet(readme: string, name: string): string {
  const match = /^## Usage\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme)
  assert.ok(match, `${name}: README has no ts snippet under ## Usage`)
  const lines = match[1]!.trimEnd().split('\n').length
  assert.ok(lines <= 15, `${name}: the Usage snippet has ${lines} lines; keep it to 15`)
  return match[1]!
}

/** What a snippet says it prints: `console.log(...) // out` lines, then a closing block of `// out` lines. */
function documentedOutput(snippet: string): string[] {
  const lines = snippet.trimEnd().split('\n')
  const inline = lines.flatMap((line) => /console\.log\(.*\)\s*\/\/ (.*)$/.exec(line)?.[1] ?? [])
  const closing: string[] = []
  for (let i = lines.length - 1; i >= 0 && lines[i]!.trim().startsWith('// '); i--) {
    closing.unshift(lines[i]!.trim().slice(3))
  }
  return [...inline, ...closing]
}

describe('published packages, installed from their tarballs outside the workspace', () => {
  let project: string
  const run = (cmd: string, args: string[], cwd = project): string => {
    try {
      return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string }
      throw new Error(
        `${cmd} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}${stderr ?? ''}`,
        {
          cause: error,
        },
      )
    }
  }

  before(() => {
    project = mkdtempSync(join(tmpdir(), 'suitekit-consumer-'))
    const tarballs = join(project, 'tarballs')
    for (const name of published) {
      run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', name))
    }
    const files = readdirSync(tarballs).map((file) => join(tarballs, file))
    assert.equal(
      files.length,
      published.length,
      `expected one tarball per package, got ${files.join(', ')}`,
    )
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'outside-project', private: true, type: 'module' }),
    )
    // what a backend project has anyway (@types/node and, with skipLibCheck off, @types/better-sqlite3:
    // MikroORM's own declarations need them) and what the README snippets use (jose, @mikro-orm/sqlite)
    const peers = [
      'jose',
      '@types/node@24',
      '@types/better-sqlite3',
      '@mikro-orm/sqlite@7.2.1',
      '@mikro-orm/core@7.2.1',
      '@mikro-orm/sql@7.2.1',
      'vitest@5.1.1',
    ]
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...files, ...peers])
    writeFileSync(join(project, 'usage.ts'), usage)
    for (const name of published) {
      const readme = readFileSync(join(root, 'packages', name, 'README.md'), 'utf8')
      writeFileSync(join(project, `readme-${name}.ts`), usageSnippet(readme, name))
    }
  })

  after(() => rmSync(project, { recursive: true, force: true }))

  it('runs one real call of every package', () => {
    const output: unknown = JSON.parse(run(process.execPath, ['usage.ts']))
    assert.deepEqual(output, {
      lifespan: ['start', 'stop'],
      database: 'app_test_w3',
      sub: 'u1',
      shards: [['a'], ['b', 'c']],
    })
  })

  for (const name of published) {
    it(`runs the Usage snippet of ${name}'s README as written`, () => {
      const expected = documentedOutput(readFileSync(join(project, `readme-${name}.ts`), 'utf8'))
      assert.ok(expected.length > 0, `${name}: the snippet documents no output to check`)
      const printed = run(process.execPath, [`readme-${name}.ts`])
        .trimEnd()
        .split('\n')
      assert.deepEqual(printed, expected)
    })
  }

  it("runs vitest with the reporter, its runner and its sequencer as the reporter's README configures them", () => {
    const readme = readFileSync(join(root, 'packages', 'reporter', 'README.md'), 'utf8')
    const config = /^## As a vitest reporter\n[\s\S]*?```ts\n([\s\S]*?)```/m.exec(readme)?.[1]
    assert.ok(config, "reporter: README has no config snippet under '## As a vitest reporter'")
    writeFileSync(join(project, 'vitest.config.ts'), config)
    writeFileSync(
      join(project, 'slow.test.ts'),
      "import { beforeEach, test } from 'vitest'\n" +
        'beforeEach(() => new Promise((r) => setTimeout(r, 50)))\n' +
        "test('sleeps', () => new Promise((r) => setTimeout(r, 150)))\n",
    )
    const vitest = join(project, 'node_modules', 'vitest', 'vitest.mjs')
    const env = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !k.startsWith('VITEST') && k !== 'GITHUB_STEP_SUMMARY',
      ),
    )
    const out = execFileSync(process.execPath, [vitest, 'run', 'slow.test.ts'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...env, NO_COLOR: '1' },
    })
    // the split columns are filled: the runner was found by its package specifier and measured
    assert.match(
      out,
      /slowest 1 test\(s\) at or above 0\.10s:\n\s+total\s+setup\s+body\s+teardown\s+test\n\s+0\.\d\ds\s+0\.0\ds\s+0\.[12]\ds\s+0\.0\ds\s+slow\.test\.ts > sleeps/,
    )
    const timings = JSON.parse(
      readFileSync(join(project, '.suitekit', 'timings', 'timings.json'), 'utf8'),
    ) as { version: number; tests: { name: string }[] }
    assert.equal(timings.version, 1)
    assert.deepEqual(
      timings.tests.map((t) => t.name),
      ['sleeps'],
    )
  })

  it('type-checks the usage and every README snippet against the shipped declarations', () => {
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2023',
          strict: true,
          noEmit: true,
          allowImportingTsExtensions: true,
          types: ['node'],
          skipLibCheck: false,
        },
        files: ['usage.ts', ...published.map((name) => `readme-${name}.ts`)],
      }),
    )
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    run(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], project)
  })

  it('ships built code and declarations, no sources or tests, and no workspace-only versions', () => {
    const installed = join(project, 'node_modules', '@suitekit')
    for (const name of published) {
      const files = readdirSync(join(installed, name), { recursive: true }).map(String).sort()
      assert.ok(files.includes('dist/index.js'), `${name}: dist/index.js missing`)
      assert.ok(files.includes('dist/index.d.ts'), `${name}: dist/index.d.ts missing`)
      const unexpected = files.filter((f) => f.startsWith('src') || f.includes('.test.'))
      assert.deepEqual(unexpected, [], `${name} ships files it should not`)
      const manifest = readFileSync(join(installed, name, 'package.json'), 'utf8')
      assert.doesNotMatch(
        manifest,
        /"(catalog|workspace):/,
        `${name}: unresolved version specifier`,
      )
    }
  })
})
