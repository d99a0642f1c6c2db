import { describe, expect, it } from 'vitest'
import { describeLocation } from './orm-config.js'

describe('describeLocation', () => {
  it('names the SQLite file', () => {
    expect(describeLocation({ file: '/srv/data/insights.sqlite' })).toBe(
      'SQLite: /srv/data/insights.sqlite',
    )
  })

  it('shows a PostgreSQL URL without its password', () => {
    const text = describeLocation({ url: 'postgres://app:s3cret@db:5432/insights', file: 'x' })
    expect(text).toBe('PostgreSQL: postgres://app:***@db:5432/insights')
    expect(text).not.toContain('s3cret')
  })

  it('does not echo a URL it cannot parse', () => {
    expect(describeLocation({ url: 'not a url :s3cret' })).toBe(
      'PostgreSQL: (an unparsable DATABASE_URL)',
    )
  })
})
