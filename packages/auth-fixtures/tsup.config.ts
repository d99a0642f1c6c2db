import type { Options } from 'tsup'

const config: Options = {
  entry: ['src/index.ts', 'src/vitest.ts', 'src/global-setup.ts'],
  format: 'esm',
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
}

export default config
