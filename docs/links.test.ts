/**
 * Every relative link in the project's Markdown (README.md, SECURITY.md, docs/) leads
 * somewhere: the file exists, and a `#anchor` names a heading of the file it points into,
 * slugged as GitHub slugs headings (github-slugger: lower case, spaces to `-`,
 * punctuation dropped, a repeated heading gets `-1`, `-2`, ...). Links with a scheme
 * (https:, mailto:) are not followed; links inside code are not links.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import GithubSlugger from 'github-slugger';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface Link {
  file: string;
  line: number;
  target: string;
}

/** The Markdown files whose links are checked: the root's, and everything under docs/. */
function markdownFiles(base: string): string[] {
  const rootFiles = readdirSync(base).filter((name) => name.endsWith('.md')).map((name) => join(base, name));
  const docs = join(base, 'docs');
  const docFiles = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.md')).map((name) => join(docs, name))
    : [];
  return [...rootFiles, ...docFiles].sort();
}

/** The lines of a Markdown file with fenced code blocks blanked and inline code spans removed. */
function proseLines(text: string): string[] {
  let fence: string | null = null;
  return text.split('\n').map((line) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      return '';
    }
    if (marker) {
      fence = marker;
      return '';
    }
    return line.replace(/(`+)[\s\S]*?\1/g, '');
  });
}

function linksOf(file: string): Link[] {
  const links: Link[] = [];
  proseLines(readFileSync(file, 'utf8')).forEach((line, index) => {
    // Inline links and images: [text](target "title"), ![alt](<target>).
    for (const match of line.matchAll(/\]\(\s*(<[^>]*>|[^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ file, line: index + 1, target: match[1]!.replace(/^<|>$/g, '') });
    }
    // Reference definitions: [name]: target
    const definition = /^\s{0,3}\[[^\]]+\]:\s*(\S+)/.exec(line);
    if (definition) links.push({ file, line: index + 1, target: definition[1]!.replace(/^<|>$/g, '') });
  });
  return links;
}

/** The anchors GitHub gives a Markdown file: one per heading, plus explicit `<a id|name="...">`. */
function anchorsOf(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const anchors = new Set<string>();
  const text = readFileSync(file, 'utf8');
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading) {
      // What GitHub slugs is the heading as rendered: link targets and HTML tags are not text.
      const rendered = heading[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '');
      anchors.add(slugger.slug(rendered));
    }
    for (const match of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(match[1]!);
  }
  return anchors;
}

/** Every link of `files` that leads nowhere, as `file:line: target — why`. */
function brokenLinks(files: string[], base: string): string[] {
  const anchorCache = new Map<string, Set<string>>();
  const problems: string[] = [];
  for (const file of files) {
    for (const link of linksOf(file)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // https:, mailto:, ...
      const where = `${relative(base, link.file)}:${link.line}: ${link.target}`;
      const hash = link.target.indexOf('#');
      const pathPart = hash === -1 ? link.target : link.target.slice(0, hash);
      const anchor = hash === -1 ? null : decodeURIComponent(link.target.slice(hash + 1));
      let path: string;
      try {
        path = pathPart === '' ? link.file : resolve(dirname(link.file), decodeURIComponent(pathPart));
      } catch {
        problems.push(`${where} — the address is not validly encoded`);
        continue;
      }
      if (!existsSync(path)) {
        problems.push(`${where} — there is no ${relative(base, path)}`);
        continue;
      }
      if (anchor === null) continue;
      if (statSync(path).isDirectory() || !path.endsWith('.md')) {
        problems.push(`${where} — #${anchor} points into ${relative(base, path)}, which has no headings`);
        continue;
      }
      let anchors = anchorCache.get(path);
      if (!anchors) anchorCache.set(path, (anchors = anchorsOf(path)));
      if (!anchors.has(anchor)) {
        problems.push(`${where} — ${relative(base, path)} has no heading whose anchor is #${anchor} (it has: ${[...anchors].join(', ')})`);
      }
    }
  }
  return problems;
}

describe("the documentation's links", () => {
  it('all lead to an existing file and heading', () => {
    const files = markdownFiles(root);
    expect(files.map((file) => relative(root, file))).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md']));
    expect(brokenLinks(files, root)).toEqual([]);
  });

  describe('the check itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'junction-links-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'docs'));
    writeFileSync(
      join(dir, 'docs', 'target.md'),
      ['# Target', '', '## The sandbox: model and limits', '', '### Item lineage (`$node("Name").item`)', '', '## Notes', '', '## Notes', ''].join('\n'),
    );
    writeFileSync(
      join(dir, 'README.md'),
      [
        '# Readme',
        '',
        'Good: [a](docs/target.md), [b](docs/target.md#the-sandbox-model-and-limits), [c](docs/target.md#item-lineage-nodenameitem),',
        '[d](docs/target.md#notes-1), [e](#readme), [f](https://example.com/nowhere.md), ![g](docs/target.md "title").',
        '',
        'Broken: [h](docs/missing.md), [i](docs/target.md#no-such-heading), [j](#nowhere).',
        '',
        '`[not a link](docs/missing-in-code.md)`',
        '',
        '```md',
        '[not a link either](docs/missing-in-a-block.md)',
        '```',
        '',
        '[ref]: docs/missing-by-reference.md',
        '',
      ].join('\n'),
    );

    it('reports a missing file, a missing heading and a bad reference, each with its file and line', () => {
      expect(brokenLinks(markdownFiles(dir), dir)).toEqual([
        'README.md:6: docs/missing.md — there is no docs/missing.md',
        expect.stringMatching(/^README\.md:6: docs\/target\.md#no-such-heading — docs\/target\.md has no heading whose anchor is #no-such-heading \(it has: target, /),
        expect.stringMatching(/^README\.md:6: #nowhere — README\.md has no heading whose anchor is #nowhere/),
        'README.md:14: docs/missing-by-reference.md — there is no docs/missing-by-reference.md',
      ]);
    });

    it('slugs headings as GitHub does, numbering repeated ones', () => {
      expect([...anchorsOf(join(dir, 'docs', 'target.md'))]).toEqual([
        'target',
        'the-sandbox-model-and-limits',
        'item-lineage-nodenameitem',
        'notes',
        'notes-1',
      ]);
    });
  });
});
