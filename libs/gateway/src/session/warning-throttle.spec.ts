import { WarningThrottle } from './warning-throttle.js';

test('the first warnings of a window are logged, the rest become one summary per window', () => {
  let now = 0;
  const lines: string[] = [];
  const throttle = new WarningThrottle(
    (m) => lines.push(m),
    3,
    60_000,
    () => now,
  );
  for (let i = 0; i < 1_000; i++) throttle.warn(`w${i}`);
  expect(lines).toEqual(['w0', 'w1', 'w2']);
  now = 60_000;
  throttle.warn('next');
  expect(lines).toEqual(['w0', 'w1', 'w2', '997 more warning(s) like the above suppressed in the last 60 s', 'next']);
  throttle.warn('x');
  throttle.warn('y');
  throttle.warn('z');
  // The socket closes: what was held back is summarised once.
  throttle.flush();
  throttle.flush();
  expect(lines.slice(-3)).toEqual(['x', 'y', '1 more warning(s) like the above suppressed in the last 60 s']);
});
