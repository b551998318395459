// Trunk's post_build hook (Trunk.toml): writes the service worker of this build.
//
// It lists every file Trunk staged for dist/ (the hashed wasm, js and css, index.html, the
// favicon, the manifest, the icons), derives the build's version from their names and
// contents, and writes public/sw.js with that version and list filled in as
// $TRUNK_STAGING_DIR/sw.js. The URLs are relative, so the worker works under any sub-path;
// a changed build gives a changed sw.js, which is what makes browsers install the update.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, rename, unlink } from 'node:fs/promises';
import { join, relative, sep, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('pwa.mjs: TRUNK_STAGING_DIR is not set (run by Trunk as a post_build hook)');
  process.exit(1);
}
const template = resolve(dirname(fileURLToPath(import.meta.url)), '../public/sw.js');
const SW = 'sw.js';

async function files(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await files(path));
    else if (entry.isFile()) out.push(relative(staging, path).split(sep).join('/'));
  }
  return out;
}

// The files worker's files get names from their contents, as Trunk gives the page's: Trunk
// leaves a worker's outputs unhashed, and a CDN could then pair a cached older worker with a
// newer page. The loader's new name goes into index.html, where src/files.rs reads it.
async function hashWorker() {
  const names = { glue: 'files.js', wasm: 'files_bg.wasm', loader: 'files_loader.js' };
  const staged = await readdir(staging);
  if (!staged.includes(names.loader)) return; // a build without the worker
  for (const f of Object.values(names)) {
    if (!staged.includes(f)) {
      console.error(`pwa.mjs: ${f} is missing beside ${names.loader}`);
      process.exit(1);
    }
  }
  const h = createHash('sha256');
  for (const f of [names.glue, names.wasm]) h.update(await readFile(join(staging, f)));
  const tag = h.digest('hex').slice(0, 16);
  const glue = `files-${tag}.js`;
  const wasm = `files-${tag}_bg.wasm`;
  const loader = `files_loader-${tag}.js`;
  const shim = await readFile(join(staging, names.loader), 'utf8');
  const renamed = shim.replace(`"./${names.glue}"`, `"./${glue}"`).replace(`"./${names.wasm}"`, `"./${wasm}"`);
  if (!renamed.includes(glue) || !renamed.includes(wasm)) {
    console.error(`pwa.mjs: the loader does not name ${names.glue} and ${names.wasm}: ${shim}`);
    process.exit(1);
  }
  await rename(join(staging, names.glue), join(staging, glue));
  await rename(join(staging, names.wasm), join(staging, wasm));
  await writeFile(join(staging, loader), renamed);
  await unlink(join(staging, names.loader));
  const index = join(staging, 'index.html');
  const html = await readFile(index, 'utf8');
  const meta = `<meta name="kezhi-files-worker" content="${loader}" />`;
  if (!html.includes('</head>')) {
    console.error('pwa.mjs: index.html has no </head>');
    process.exit(1);
  }
  await writeFile(index, html.replace('</head>', `${meta}\n</head>`));
}
await hashWorker();

const list = (await files(staging)).filter((f) => f !== SW).sort();
for (const needed of ['index.html', 'manifest.webmanifest']) {
  if (!list.includes(needed)) {
    console.error(`pwa.mjs: ${needed} is not among the staged files: ${list.join(', ')}`);
    process.exit(1);
  }
}

const source = await readFile(template, 'utf8');
const hash = createHash('sha256');
hash.update(source);
for (const f of list) {
  hash.update(`\0${f}\0`);
  hash.update(await readFile(join(staging, f)));
}
const version = hash.digest('hex').slice(0, 16);

const line = /^const BUILD = .*;$/m;
if (!line.test(source)) {
  console.error(`pwa.mjs: no line "const BUILD = …;" in ${template}`);
  process.exit(1);
}
const build = JSON.stringify({ version, files: list });
await writeFile(join(staging, SW), source.replace(line, () => `const BUILD = ${build};`));
console.error(`pwa.mjs: sw.js version ${version}, ${list.length} files precached`);
