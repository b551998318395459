// Trunk's post_build hook (Trunk.toml): writes the service worker of this build.
//
// It lists every file Trunk staged for dist/ (the hashed wasm, js and css, index.html, the
// favicon, the manifest, the icons), derives the build's version from their names and
// contents, and writes public/sw.js with that version and list filled in as
// $TRUNK_STAGING_DIR/sw.js. The URLs are relative, so the worker works under any sub-path;
// a changed build gives a changed sw.js, which is what makes browsers install the update.
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, rename, unlink, access } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
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

// The pinyin readings' table (crates/core/data/pinyin-readings.bin: 97 KB, 57 KB gzipped),
// which the page fetches once it has started (src/readings.rs) instead of carrying it in its
// first download. It goes out as a wasm module whose bytes are one custom section, so a CDN
// serves and compresses it as application/wasm, named by its contents, the name in index.html.
const READINGS = resolve(dirname(fileURLToPath(import.meta.url)), '../crates/core/data/pinyin-readings.bin');
const READINGS_SECTION = 'kezhi-readings';

async function addReadings() {
  const table = await readFile(READINGS);
  const name = Buffer.from(READINGS_SECTION);
  const section = Buffer.concat([leb128(name.length), name, table]);
  const module = Buffer.concat([
    Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00]),
    leb128(section.length),
    section,
  ]);
  const file = `pinyin-readings-${createHash('sha256').update(module).digest('hex').slice(0, 16)}.wasm`;
  await writeFile(join(staging, file), module);
  const index = join(staging, 'index.html');
  const html = await readFile(index, 'utf8');
  await writeFile(index, html.replace('</head>', `<meta name="kezhi-readings" content="${file}" />\n</head>`));
}
await addReadings();

// The pages fetched on first visit (src/lazy_pages.rs): scripts/bin/wasm-bindgen cut them out
// of the page's module into split/ beside wasm-bindgen's output, with their loader
// (__wasm_split.js). They come into the build here: each chunk shrunk by wasm-opt and named by
// its contents, the loader pointed at those names and at the page's glue, named by its own
// contents; the glue pointed at the loader, and its integrity in index.html made anew (Trunk
// computed it before this change).
async function takeSplitChunks() {
  const staged = await readdir(staging);
  const glueName = staged.find((f) => /^kezhi-[0-9a-f]+\.js$/.test(f));
  if (!glueName) return; // not the page's build
  const gluePath = join(staging, glueName);
  let glue = await readFile(gluePath, 'utf8');
  const LOADER = '"./__wasm_split.js"';
  if (!glue.includes(LOADER)) return; // a module without split points
  const target = process.env.CARGO_TARGET_DIR
    ? resolve(process.env.CARGO_TARGET_DIR)
    : join(process.env.TRUNK_SOURCE_DIR ?? process.cwd(), 'target');
  const dir = join(target, 'wasm-bindgen', process.env.TRUNK_PROFILE ?? 'release', 'split');
  try {
    await access(join(dir, '__wasm_split.js'));
  } catch {
    console.error(`pwa.mjs: ${glueName} imports __wasm_split.js, but ${dir} has none (scripts/bin/wasm-bindgen writes it)`);
    process.exit(1);
  }
  let loader = await readFile(join(dir, '__wasm_split.js'), 'utf8');
  const main = 'from "./kezhi.js"';
  if (!loader.includes(main)) {
    console.error('pwa.mjs: __wasm_split.js does not import the page\'s glue as ./kezhi.js');
    process.exit(1);
  }
  loader = loader.replace(main, `from "./${glueName}"`);
  const chunks = (await readdir(dir)).filter((f) => f.endsWith('.wasm')).sort();
  const run = promisify(execFile);
  // Two at a time: the machines have two cores.
  const queue = [...chunks];
  const renamed = new Map();
  const worker = async () => {
    for (let f = queue.shift(); f !== undefined; f = queue.shift()) {
      const tmp = join(staging, `${f}.opt`);
      await run('wasm-opt', ['-Oz', '--strip-producers', join(dir, f), '-o', tmp]);
      const bytes = await readFile(tmp);
      const tag = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      const name = `${f.slice(0, -'.wasm'.length)}-${tag}.wasm`;
      await rename(tmp, join(staging, name));
      renamed.set(f, name);
    }
  };
  await Promise.all([worker(), worker()]);
  for (const [from, to] of renamed) {
    const quoted = `"./${from}"`;
    if (!loader.includes(quoted)) {
      console.error(`pwa.mjs: __wasm_split.js does not name ${from}`);
      process.exit(1);
    }
    loader = loader.replaceAll(quoted, `"./${to}"`);
  }
  loader = await packSmallChunks(loader, [...renamed.values()]);
  const loaderName = `wasm_split-${createHash('sha256').update(loader).digest('hex').slice(0, 16)}.js`;
  await writeFile(join(staging, loaderName), loader);
  // Only the import statements: the imports object keeps the module name the wasm asks for.
  glue = glue.replaceAll(`from ${LOADER}`, `from "./${loaderName}"`);
  await writeFile(gluePath, glue);
  const index = join(staging, 'index.html');
  const html = await readFile(index, 'utf8');
  const digest = `sha384-${createHash('sha384').update(glue).digest('base64')}`;
  const tag = new RegExp(`(href="\\./${glueName.replace('.', '\\.')}"[^>]*integrity=")sha384-[^"]*(")`);
  if (html.includes(`${glueName}"`) && /integrity=/.test(html) && !tag.test(html)) {
    console.error(`pwa.mjs: index.html names ${glueName} with an integrity this script does not recognise`);
    process.exit(1);
  }
  await writeFile(index, html.replace(tag, (_, a, b) => `${a}${digest}${b}`));
  console.error(`pwa.mjs: ${renamed.size} split chunks of the page's module, loader ${loaderName}`);
}

// The shared chunks wasm-split cuts are many and mostly small (of 134, 118 under PACK_MAX; a
// first visit of the customer detail needed 51 files). Over HTTP/1.1's six connections per
// origin and a 150 ms link they came in batches, five round trips for the import page, about a
// second. Those under PACK_MAX go into one file, fetched once on the first visit of any page
// that needs one of them and cut into each chunk's bytes in the page: 48 KB gzipped for all
// of them, less than the same chunks gzipped one by one (90 KB). The pack is a valid wasm
// module, its bytes one custom section, so a CDN serves and compresses it as application/wasm.
const PACK_MAX = 16 * 1024;
const PACK_SECTION = 'kezhi-chunks';

function leb128(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

async function packSmallChunks(loader, names) {
  const small = [];
  for (const name of names.filter((n) => /^chunk_\d+-/.test(n)).sort()) {
    const bytes = await readFile(join(staging, name));
    if (bytes.length <= PACK_MAX) small.push({ name, bytes });
  }
  if (small.length < 2) return loader;
  const sectionName = Buffer.from(PACK_SECTION);
  const payload = Buffer.concat(small.map((c) => c.bytes));
  const section = Buffer.concat([leb128(sectionName.length), sectionName, payload]);
  const head = Buffer.concat([
    Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x00]),
    leb128(section.length),
    leb128(sectionName.length),
    sectionName,
  ]);
  const pack = Buffer.concat([head, payload]);
  const packName = `chunk_pack-${createHash('sha256').update(pack).digest('hex').slice(0, 16)}.wasm`;
  // Written in the form scripts/single-file.mjs inlines (`fetch(new URL("./….wasm",
  // import.meta.url))`). A failed fetch is forgotten, so the page's retry fetches again, as the
  // loader does for a chunk of its own.
  const helper = `
let __kezhiPack = undefined;
function __kezhiPacked(start, end) {
    if (__kezhiPack === undefined) {
        const pack = fetch(new URL("./${packName}", import.meta.url)).then((response) => {
            if (!response.ok) throw new Error(\`${packName}: \${response.status}\`);
            return response.arrayBuffer();
        });
        pack.catch(() => { if (__kezhiPack === pack) __kezhiPack = undefined; });
        __kezhiPack = pack;
    }
    return __kezhiPack.then((bytes) => new Response(bytes.slice(start, end), { headers: { "content-type": "application/wasm" } }));
}
`;
  let offset = head.length;
  for (const { name, bytes } of small) {
    const call = `fetch(new URL("./${name}", import.meta.url))`;
    if (!loader.includes(call)) {
      console.error(`pwa.mjs: the loader does not fetch ${name} as ${call}`);
      process.exit(1);
    }
    loader = loader.replaceAll(call, `__kezhiPacked(${offset}, ${offset + bytes.length})`);
    offset += bytes.length;
    await unlink(join(staging, name));
  }
  const firstImport = loader.indexOf('\n', loader.indexOf('import '));
  loader = `${loader.slice(0, firstImport + 1)}${helper}${loader.slice(firstImport + 1)}`;
  await writeFile(join(staging, packName), pack);
  console.error(`pwa.mjs: ${small.length} chunks under ${PACK_MAX} bytes packed into ${packName} (${pack.length} bytes)`);
  return loader;
}

await takeSplitChunks();

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
