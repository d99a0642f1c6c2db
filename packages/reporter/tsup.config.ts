import type { Options } from 'tsup'

const config: Options = {
  entry: ['src/index.ts', 'src/shard-cli.ts'],
  format: 'esm',
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
}

export default config
