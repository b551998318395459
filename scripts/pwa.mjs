// Trunk's post_build hook (Trunk.toml): writes the service worker of this build.
//
// It lists every file Trunk staged for dist/ (the hashed wasm, js and css, index.html, the
// favicon, the manifest, the icons), derives the build's version from their names and
// contents, and writes public/sw.js with that version and list filled in as
// $TRUNK_STAGING_DIR/sw.js. The URLs are relative, so the worker works under any sub-path;
// a changed build gives a changed sw.js, which is what makes browsers install the update.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
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
