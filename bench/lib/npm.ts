/** `npm` as the bench itself was started (`npm run bench` sets npm_execpath), else the one on PATH. */
export function npmCommand(): [string, string[]] {
  const cli = process.env.npm_execpath;
  return cli && cli.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []];
}
