import { expect, it } from 'vitest'

// Fails only inside the self-check below (RK_SELF_CHECK_FAIL=1), which asserts that the test command
// then exits non-zero; in a normal run it checks the variable is unset.
it('fails on purpose when RK_SELF_CHECK_FAIL=1 (the self-check of the test command)', () => {
  expect(process.env.RK_SELF_CHECK_FAIL ?? 'unset').toBe('unset')
})
