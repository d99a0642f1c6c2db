import type { Options } from 'tsup'

const config: Options = {
  entry: [
    'src/index.ts',
    'src/timing-runner.ts',
    'src/timing-sequencer.ts',
    'src/shard-cli.ts',
    'src/timings-cli.ts',
  ],
  format: 'esm',
  target: 'node22',
  dts: true,
  sourcemap: true,
  clean: true,
}

export default config
