import { BadFrameLimiter } from './bad-frame-limiter.js';

test('exceeded only past the per-minute limit, and the window slides', () => {
  let now = 0;
  const limiter = new BadFrameLimiter(3, () => now);
  expect([limiter.record(), limiter.record(), limiter.record()]).toEqual([false, false, false]);
  expect(limiter.record()).toBe(true);
  now = 61_000;
  expect(limiter.record()).toBe(false);
});
