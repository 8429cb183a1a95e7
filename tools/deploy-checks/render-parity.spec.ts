/**
 * render.ts against the real kustomize (`kubectl kustomize`), where kubectl is installed. CI machines
 * need not have it: then this suite is skipped and says so; the other checks still run on render.ts.
 */
import { spawnSync } from 'node:child_process';
import { dirname, relative } from 'node:path';
import { render } from './render.js';
import { asObj, isObj, listFiles, parseYamlAll, REPO, repoPath, type Obj } from './support.js';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const haveKubectl = kubectl.status === 0;
if (!haveKubectl) console.warn('render-parity: SKIPPED, kubectl not found (render.ts is not compared with kustomize here)');

const roots = listFiles(repoPath('k8s'), (n) => n === 'kustomization.yaml').map((f) => relative(REPO, dirname(f)));

/** Generated names lose kustomize's content hash; everything else must be identical. */
function normalise(objs: Obj[]): Obj[] {
  const hashed = new Map<string, string>();
  for (const o of objs) {
    const name = String(asObj(o.metadata).name);
    const m = /^(.*)-[a-z0-9]{10}$/.exec(name);
    if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && m) hashed.set(name, m[1]);
  }
  const text = JSON.stringify(objs, (_k, v: unknown) => (typeof v === 'string' && hashed.has(v) ? hashed.get(v) : v));
  const out = JSON.parse(text) as Obj[];
  return out.sort((a, b) => `${String(a.kind)}/${String(asObj(a.metadata).name)}`.localeCompare(`${String(b.kind)}/${String(asObj(b.metadata).name)}`));
}

(haveKubectl ? describe : describe.skip).each(roots)('%s: render.ts = kubectl kustomize', (root) => {
  it('renders the same objects', () => {
    const r = spawnSync('kubectl', ['kustomize', repoPath(root)], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const real = normalise(parseYamlAll(r.stdout).filter(isObj));
    expect(normalise(render(repoPath(root)))).toEqual(real);
  });
});
