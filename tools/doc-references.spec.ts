/**
 * Every reference a comment or a doc makes must be followable from a clone of this repository
 * (docs/reference/design-decisions.md#services-and-flows explains where the rules live):
 * - a repository path cited in a source comment (`docs/zaptec.md`, `libs/bus/src/subjects.ts`, `../support/x.ts`)
 *   names a file or directory that exists, and its `#anchor`, if any, a heading of that Markdown file;
 * - a relative Markdown link in docs/ and the READMEs resolves the same way;
 * - nothing cites documents that are not in the repository (the project's private notes, the "seed guide", the
 *   tracker's issue numbers, the fact sheet's bare source keys like [S2]), in comments or in string literals
 *   (test titles).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const self = relative(root, fileURLToPath(import.meta.url));

const SOURCE_DIRS = ['libs', 'apps', 'tools', 'test', 'bench'];
const SOURCE_EXT = new Set(['.ts', '.tsx', '.mts', '.js', '.mjs']);
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git']);

/** Citations of documents that a clone does not have. */
const FORBIDDEN: Array<{ rule: string; pattern: RegExp }> = [
  { rule: 'private notes OCPP16-NOTES', pattern: /OCPP16-NOTES/ },
  { rule: 'private notes ZAPTEC-FACTS', pattern: /ZAPTEC-FACTS/ },
  { rule: 'private notes ARCHITECTURE', pattern: /\bARCHITECTURE\b/ },
  { rule: 'private notes STYLE.md', pattern: /\bSTYLE\.md\b/ },
  { rule: 'the seed guide', pattern: /\bseed guide\b|shared\/seed|\.\.\/shared\//i },
  { rule: 'a tracker issue number', pattern: /\bissues? \d+|\b(?:zaptec|platform) issue\b/i },
  { rule: 'a bare fact-sheet source key (cite docs/reference/zaptec-facts.md)', pattern: /\[S\d+\]|\(S\d+\)|, S\d+\)/ },
];

/** Repository paths as comments write them: from the root (`docs/x.md`) or relative (`../support/x.ts`). */
const ROOT_DIRS = '(?:docs|libs|apps|tools|test|bench|k8s|docker)';
const PATH_REF = new RegExp(`(?<![\\w./-])((?:\\.\\.?/)+[\\w.-][\\w./-]*[\\w-]|${ROOT_DIRS}/[\\w.-][\\w./-]*[\\w-])(#[\\w-]+)?`, 'g');

function walk(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    if (SKIP_DIRS.has(entry)) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...walk(full, keep));
    else if (keep(full)) out.push(full);
  }
  return out;
}

interface Texts {
  comments: Array<{ line: number; text: string }>;
  strings: Array<{ line: number; text: string }>;
}

/** Comments and string literals of a source file, found by the TypeScript parser (not by guessing at `//`). */
function textsOf(file: string): Texts {
  const source = readFileSync(file, 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : /\.m?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const seen = new Set<number>();
  const out: Texts = { comments: [], strings: [] };
  const lineOf = (pos: number): number => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const addComments = (ranges: readonly ts.CommentRange[] | undefined): void => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      out.comments.push({ line: lineOf(r.pos), text: source.slice(r.pos, r.end) });
    }
  };
  const visit = (node: ts.Node): void => {
    addComments(ts.getLeadingCommentRanges(source, node.pos));
    addComments(ts.getTrailingCommentRanges(source, node.end));
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      out.strings.push({ line: lineOf(node.getStart(sf)), text: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  addComments(ts.getLeadingCommentRanges(source, sf.endOfFileToken.pos));
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdownFile: string): Set<string> {
  const anchors = new Set<string>();
  const counts = new Map<string, number>();
  let fenced = false;
  for (const line of readFileSync(markdownFile, 'utf8').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Why `target#anchor` (seen in `from`) does not resolve, or null when it does. */
function unresolved(from: string, target: string, anchor: string | undefined): string | null {
  const full = target.startsWith('.') ? resolve(dirname(from), target) : resolve(root, target);
  if (!full.startsWith(root) || !existsSync(full)) return `${target} does not exist`;
  if (anchor === undefined) return null;
  if (extname(full) !== '.md') return `${target}${anchor}: an anchor on a file that is not Markdown`;
  return anchorsOf(full).has(anchor.slice(1)) ? null : `${target}${anchor}: no such heading`;
}

function sourceProblems(): string[] {
  const problems: string[] = [];
  const files = SOURCE_DIRS.flatMap((d) => walk(join(root, d), (f) => SOURCE_EXT.has(extname(f)) && !f.endsWith('.d.ts')));
  for (const file of files) {
    const rel = relative(root, file);
    if (rel === self) continue;
    const { comments, strings } = textsOf(file);
    const at = (line: number, text: string, index: number): number => line + (text.slice(0, index).match(/\n/g)?.length ?? 0);
    for (const { line, text } of [...comments, ...strings]) {
      for (const { rule, pattern } of FORBIDDEN) {
        const m = pattern.exec(text);
        if (m) problems.push(`${rel}:${at(line, text, m.index)}: cites ${rule}: ${m[0]}`);
      }
    }
    for (const { line, text } of comments) {
      for (const m of text.matchAll(PATH_REF)) {
        const why = unresolved(file, m[1], m[2]);
        if (why) problems.push(`${rel}:${at(line, text, m.index ?? 0)}: ${why}`);
      }
    }
  }
  return problems;
}

function markdownProblems(): string[] {
  const problems: string[] = [];
  const files = [
    ...walk(join(root, 'docs'), (f) => f.endsWith('.md')),
    join(root, 'README.md'),
    ...['libs', 'apps'].flatMap((d) => walk(join(root, d), (f) => f.endsWith('README.md'))),
  ].filter((f) => existsSync(f));
  for (const file of files) {
    const rel = relative(root, file);
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const { rule, pattern } of FORBIDDEN) {
        if (rel !== 'docs/reference/zaptec-facts.md' || !rule.startsWith('a bare fact-sheet')) {
          if (pattern.test(text)) problems.push(`${rel}:${i + 1}: cites ${rule}`);
        }
      }
      // A repository path in code spans (`libs/bus/src/x.spec.ts`) is a reference too.
      for (const span of text.matchAll(/`([^`]+)`/g)) {
        for (const m of span[1].matchAll(PATH_REF)) {
          if (m.index !== 0 || m[0].length !== span[1].length || m[1].startsWith('.')) continue; // a span that is just a path from the root
          const why = unresolved(join(root, 'x'), m[1], m[2]);
          if (why) problems.push(`${rel}:${i + 1}: ${why}`);
        }
      }
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const link = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, https:, mailto:
        const hash = link.indexOf('#');
        const target = hash < 0 ? link : link.slice(0, hash);
        const anchor = hash < 0 ? undefined : link.slice(hash);
        // Relative to this Markdown file; `#heading` alone is a heading of this file.
        const relativeTarget = target === '' ? `./${file.split('/').pop() ?? ''}` : target.startsWith('.') ? target : `./${target}`;
        const why = unresolved(file, relativeTarget, anchor);
        if (why) problems.push(`${rel}:${i + 1}: link ${link}: ${why}`);
      }
    });
  }
  return problems;
}

describe('references in comments and docs resolve inside the repository', () => {
  it('source comments and strings cite only files (and headings) that exist, and no outside notes or issue numbers', () => {
    expect(sourceProblems()).toEqual([]);
  });

  it('relative links in docs/ and the READMEs resolve to a file and heading', () => {
    expect(markdownProblems()).toEqual([]);
  });

  it('computes GitHub anchors as GitHub does (the check above is only as good as this)', () => {
    const anchors = anchorsOf(join(root, 'docs/deploy.md'));
    expect(anchors.has('36-when-a-message-cannot-be-processed')).toBe(true);
    expect(anchors.has('4-scaling')).toBe(true);
    expect(anchorsOf(join(root, 'docs/api-events.md')).has('get-apiv1chargers')).toBe(true);
  });

  it('finds a dangling reference and a forbidden citation when there is one', () => {
    const comment = '// see docs/no-such-file.md and docs/zaptec.md#no-such-heading (issue 14 §2)';
    const found = [...comment.matchAll(PATH_REF)].map((m) => unresolved(join(root, 'x.ts'), m[1], m[2]));
    expect(found).toEqual(['docs/no-such-file.md does not exist', 'docs/zaptec.md#no-such-heading: no such heading']);
    expect(FORBIDDEN.some(({ pattern }) => pattern.test(comment))).toBe(true);
  });
});
