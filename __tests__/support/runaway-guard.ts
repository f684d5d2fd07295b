/**
 * Jest setup (setupFilesAfterEnv): a test whose FakeClock ran past its bounds fails, even when the code under test
 * caught the RunawayError and carried on (e.g. reported it as the run's failure, which the test may expect).
 */
import { afterEach } from '@jest/globals'
import { takeRunaways } from './fake-clock.js'

afterEach(() => {
  const found = takeRunaways()
  if (found.length > 0) throw new Error(found.join('\n'))
})
