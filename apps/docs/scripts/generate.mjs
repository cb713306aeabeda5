#!/usr/bin/env node
// Generates the parts of the site that come from elsewhere, before `vitepress build`:
//   site/design.md, site/contributing/*.md   copied from /docs (owned by the lead; never moved)
//   site/reference/cli.md                    from @recur/cli's COMMANDS (the table its parser is built from)
//   site/reference/benchmarks.md             from the newest bench/results/*.json (`pnpm bench`)
//   site/backends/*.md, _table.md           a page per backend, from each package's BACKEND_PACKAGE_INFO + bench results
//   site/public/data/co2.json                a JSON extract of @recur/datasets' co2-concentration
//   site/public/data/moby-dick-words.json    the first 40 000 words of Moby-Dick (the recall demo's filler)
//   site/api/**                              TypeDoc (typedoc-plugin-markdown) over every published package
// Usage: node scripts/generate.mjs [--skip-api]
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pageSlug, renderBackendPage, renderBackendTable } from './backend-pages.mjs';
import { renderBenchmarks } from './benchmarks.mjs';
import { localiseLinks } from './links.mjs';
import { renderCli } from './cli-reference.mjs';
import { publishedPackages } from '../../../scripts/lib/workspace.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const app = join(here, '..');
const repo = join(app, '..', '..');
const site = join(app, 'site');
const skipApi = process.argv.includes('--skip-api');

function write(file, text) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function timed(label, fn) {
  const t0 = performance.now();
  const r = fn();
  const done = () => console.log(`generate: ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  if (r && typeof r.then === 'function') return r.then((v) => (done(), v));
  done();
  return r;
}

function copyDocs() {
  const src = join(repo, 'docs');
  const files = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md')) files.push(p);
    }
  };
  walk(src);
  for (const file of files) {
    const out = join(site, relative(src, file));
    write(out, `<!-- generated from ${relative(repo, file)} by apps/docs/scripts/generate.mjs: edit that file -->\n\n${localiseLinks(readFileSync(file, 'utf8'), dirname(file), repo)}`);
  }
  return files.length;
}

async function co2Extract() {
  const { DATASETS, loadCo2Concentration } = await import('@recur/datasets');
  const info = DATASETS.find((d) => d.name === 'co2-concentration');
  const series = await loadCo2Concentration();
  const column = info.defaultTarget;
  const json = {
    name: info.name,
    description: info.description,
    source: info.source,
    license: info.license,
    column,
    unit: info.columns.find((c) => c.name === column)?.unit ?? '',
    seasonalPeriod: info.seasonalPeriod,
    timestamps: Array.from(series.timestamps),
    values: Array.from(series.column(column), (v) => Math.round(v * 1000) / 1000),
  };
  write(join(site, 'public', 'data', 'co2.json'), JSON.stringify(json));
  return json.values.length;
}

// The recall demo's filler: the first 40 000 words of Moby-Dick (lower case, punctuation dropped),
// enough for a bounded vocabulary and a held-out region; about 210 kB.
const MOBY_DICK_WORDS = 40_000;

async function mobyDickExtract() {
  const { DATASETS, loadDataset } = await import('@recur/datasets');
  const { wordsOf } = await import('@recur/eval');
  const info = DATASETS.find((d) => d.name === 'moby-dick');
  const words = wordsOf(await loadDataset('moby-dick')).slice(0, MOBY_DICK_WORDS);
  const json = { name: info.name, description: `The first ${words.length} words of ${info.description}`, source: info.source, license: info.license, words: words.length, text: words.join(' ') };
  write(join(site, 'public', 'data', 'moby-dick-words.json'), JSON.stringify(json));
  return words.length;
}

async function cliReference() {
  let cli;
  try {
    cli = await import('@recur/cli');
  } catch (e) {
    console.warn(`generate: @recur/cli is not built (${e.message.split('\n')[0]}); the CLI page says how to build it.`);
  }
  write(join(site, 'reference', 'cli.md'), renderCli(cli));
}

/** The newest `pnpm bench` results: the parsed report, its repository path, and how many runs exist. */
function newestBench() {
  const dir = join(repo, 'bench', 'results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  const newest = files.at(-1);
  return { report: newest ? JSON.parse(readFileSync(join(dir, newest), 'utf8')) : null, file: newest ? `bench/results/${newest}` : null, count: files.length };
}

function benchmarks() {
  const { report, file, count } = newestBench();
  write(join(site, 'reference', 'benchmarks.md'), renderBenchmarks(report, file, count));
  return file ?? 'none';
}

/**
 * A page per backend (site/backends/<name>.md), the table "Choosing a backend" includes
 * (site/backends/_table.md), and the sidebar: from every published package whose built entry
 * exports BACKEND_PACKAGE_INFO, so a new backend package appears without editing anything here.
 */
async function backendPages() {
  const out = join(site, 'backends');
  rmSync(out, { recursive: true, force: true });
  const { normalizeCapabilities } = await import('@recur/backend');
  const infos = [];
  for (const pkg of publishedPackages()) {
    const entry = join(pkg.path, 'dist', 'index.js');
    if (!existsSync(entry)) {
      if (pkg.name.startsWith('@recur/backend-')) console.warn(`generate: ${pkg.name} is not built (${relative(repo, entry)} is missing): it gets no backend page. Run \`pnpm build\`.`);
      continue;
    }
    const mod = await import(pathToFileURL(entry).href);
    if (mod.BACKEND_PACKAGE_INFO) infos.push(mod.BACKEND_PACKAGE_INFO);
    else if (pkg.name.startsWith('@recur/backend-')) console.warn(`generate: ${pkg.name} exports no BACKEND_PACKAGE_INFO, so it gets no backend page (see the add-a-backend guide).`);
  }
  const { report, file } = newestBench();
  const items = [{ text: 'All backends', link: '/guide/choosing-a-backend' }];
  for (const info of infos) {
    for (const variant of info.variants) {
      write(join(out, `${pageSlug(variant)}.md`), renderBackendPage(info, variant, normalizeCapabilities, report, file));
      items.push({ text: variant.name, link: `/backends/${pageSlug(variant)}` });
    }
  }
  write(join(out, '_table.md'), renderBackendTable(infos, normalizeCapabilities, report));
  write(join(out, 'sidebar.json'), JSON.stringify([{ text: 'Backends', items }], null, 2));
  return items.length - 1;
}

/**
 * Every published workspace package with a `src/index.ts`, discovered (packages/*, apps/*), so a
 * new package gets its API page without editing a list. `slug` names its page: the package name
 * without the scope (`@recur/backend-cpu` → `backend-cpu`).
 */
function apiPackages() {
  return publishedPackages()
    .filter((p) => existsSync(join(p.path, 'src', 'index.ts')))
    .map((p) => ({ name: p.name, dir: p.dir, slug: p.name.replace(/^@[^/]+\//, ''), module: `${p.dir.split('/').at(-1)}/src` }));
}

async function api() {
  const out = join(site, 'api');
  rmSync(out, { recursive: true, force: true });
  const { Application, Converter } = await import('typedoc');
  const found = apiPackages();
  const packages = found.map((p) => p.slug);
  const tsconfig = join(app, 'tsconfig.typedoc.json');
  write(
    tsconfig,
    JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, lib: ['ES2023', 'DOM'], types: ['node'] }, include: found.map((p) => `../../${p.dir}/src`), exclude: ['../../*/*/src/**/*.test.ts', '../../*/*/src/__fixtures__/**'] }, null, 2) + '\n',
  );
  const app2 = await Application.bootstrapWithPlugins({
    entryPoints: found.map((p) => join(repo, p.dir, 'src', 'index.ts')),
    entryPointStrategy: 'resolve',
    tsconfig,
    plugin: ['typedoc-plugin-markdown'],
    out,
    readme: 'none',
    name: 'recur API',
    excludePrivate: true,
    excludeInternal: true,
    skipErrorChecking: true,
    hideGenerator: true,
    entryFileName: 'index.md',
    outputFileStrategy: 'modules',
    hidePageHeader: true,
    // Headings carry the anchors TypeDoc links to (VitePress's own slugs differ: "_" becomes "-",
    // and TypeDoc numbers same-named symbols its own way), so every API link resolves.
    useHTMLAnchors: true,
    hideBreadcrumbs: true,
    useCodeBlocks: true,
    parametersFormat: 'table',
    sanitizeComments: true,
    logLevel: 'Warn',
    validation: { notExported: false, invalidLink: false, rewrittenLink: false },
  });
  // Name each module after its package slug (TypeDoc would call it "core/src").
  const slugOf = new Map(found.map((p) => [p.module, p.slug]));
  app2.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const mod of context.project.children ?? []) {
      const slug = slugOf.get(mod.name) ?? found.find((p) => mod.name === `${p.dir}/src`)?.slug;
      if (slug) mod.name = slug;
    }
  });
  const project = await app2.convert();
  if (!project) throw new Error('TypeDoc could not convert the packages (see the messages above).');
  await app2.generateOutputs(project);
  rmSync(tsconfig, { force: true });
  // One page per package (outputFileStrategy 'modules'): titles "core" → "@recur/core", and a sidebar.
  const rootIndex = join(out, 'index.md');
  let overview = readFileSync(rootIndex, 'utf8').replace(/^# recur API/m, '# API reference');
  const items = [{ text: 'All packages', link: '/api/' }];
  for (const { slug: dir, name } of found.filter((p) => existsSync(join(out, `${p.slug}.md`)))) {
    const file = `${dir}.md`;
    overview = overview.replace(`[${dir}](${file})`, `[${name}](${file})`);
    const page = join(out, file);
    writeFileSync(page, readFileSync(page, 'utf8').replace(new RegExp(`^# ${dir}$`, 'm'), `# ${name}`));
    items.push({ text: name, link: `/api/${dir}` });
  }
  const sidebar = [{ text: 'API reference', items }];
  writeFileSync(rootIndex, overview.replace('## Modules', 'Generated by TypeDoc from the TSDoc comments of each package\'s `src/index.ts`.\n\n## Packages'));
  write(join(out, 'sidebar.json'), JSON.stringify(sidebar, null, 2));
  return packages.length;
}

const t0 = performance.now();
timed(`copied ${copyDocs()} pages from docs/`, () => {});
await timed('wrote reference/cli.md', cliReference);
timed(`wrote reference/benchmarks.md (newest results: ${benchmarks()})`, () => {});
await timed('wrote public/data/co2.json', co2Extract);
await timed('wrote public/data/moby-dick-words.json', mobyDickExtract);
console.log(`generate: wrote ${await backendPages()} backend pages (backends/)`);
if (!skipApi) await timed('ran TypeDoc into api/', api);
else if (!existsSync(join(site, 'api', 'index.md'))) write(join(site, 'api', 'index.md'), '# API reference\n\nThis build skipped TypeDoc (`--skip-api`). Run `pnpm --filter @recur/docs build` to generate it.\n');
console.log(`generate: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
