// Writes the whole app as one HTML file (for people who get kezhi by e-mail or on a USB stick):
// the CSS inline, the icon as a data URL, the wasm-bindgen glue inline (a page opened from
// file:// may not import a module file), and the wasm's bytes inline in base64, compiled
// asynchronously (`WebAssembly.instantiate` on the bytes) before the app starts. The files
// worker (import, Excel) comes inline too: its glue and wasm are put together into a Blob URL
// the first time the app asks for the worker (`kezhiFilesWorkerUrl`, src/files.rs). The pinyin
// readings' table comes as a data URL in its meta.
//   node scripts/single-file.mjs [dist dir] [output file]    (defaults: dist, dist-single/kezhi.html)
import { readFile, writeFile, mkdir, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const dist = resolve(process.argv[2] ?? 'dist');
const out = resolve(process.argv[3] ?? 'dist-single/kezhi.html');

const files = await readdir(dist);
const one = (re, what) => {
  const found = files.filter((f) => re.test(f));
  if (found.length !== 1) throw new Error(`single-file: expected one ${what} in ${dist}, found ${found.length}`);
  return found[0];
};
const glueFile = one(/^kezhi-[0-9a-f]+\.js$/, 'wasm-bindgen glue (kezhi-*.js)');
const wasmFile = one(/^kezhi-[0-9a-f]+_bg\.wasm$/, 'wasm module (kezhi-*_bg.wasm)');
const cssFile = one(/^main-[0-9a-f]+\.css$/, 'stylesheet (main-*.css)');
const workerGlueFile = one(/^files(-[0-9a-f]+)?\.js$/, 'files worker glue (files-*.js)');
const workerWasmFile = one(/^files(-[0-9a-f]+)?_bg\.wasm$/, 'files worker wasm (files-*_bg.wasm)');

let html = await readFile(join(dist, 'index.html'), 'utf8');
const css = await readFile(join(dist, cssFile), 'utf8');
const glue = await readFile(join(dist, glueFile), 'utf8');
const wasm = await readFile(join(dist, wasmFile));
const workerGlue = await readFile(join(dist, workerGlueFile), 'utf8');
const workerWasm = await readFile(join(dist, workerWasmFile));

// The pages fetched on first visit (src/lazy_pages.rs): the glue imports their loader
// (wasm_split-*.js) as a module once per split point; the loader imports the glue's initSync and
// fetches each chunk. Here the loader becomes part of the same script and each chunk's bytes are
// inlined, handed to the loader as a Response instead of a fetch.
const splitImport = /^import \* as (import\d+) from "\.\/(wasm_split-[0-9a-f]+\.js)";?\s*$/gm;
const splitUses = [...glue.matchAll(splitImport)];
let splitBody = '';
const splitChunks = {};
if (splitUses.length > 0) {
  const loaderFile = splitUses[0][2];
  if (splitUses.some((m) => m[2] !== loaderFile)) throw new Error('single-file: the glue imports two split loaders');
  let loader = await readFile(join(dist, loaderFile), 'utf8');
  const initImport = new RegExp(`^import \\{ initSync \\} from "\\./${glueFile.replace('.', '\\.')}";?\\s*$`, 'm');
  if (!initImport.test(loader)) throw new Error(`single-file: ${loaderFile} does not import initSync from ${glueFile}`);
  loader = loader.replace(initImport, '');
  loader = loader.replace(/fetch\(new URL\("\.\/([\w-]+\.wasm)", import\.meta\.url\)\)/g, (_, name) => {
    splitChunks[name] = true;
    return `Promise.resolve(new Response(__kezhiBytes(__kezhiChunks[${JSON.stringify(name)}]), { headers: { 'content-type': 'application/wasm' } }))`;
  });
  for (const name of Object.keys(splitChunks)) splitChunks[name] = (await readFile(join(dist, name))).toString('base64');
  const loaderExports = [...loader.matchAll(/^export (?:const|function|async function) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  loader = loader.replace(/^export (?=(?:const|function|async function) )/gm, '');
  if (/^(?:export|import) /m.test(loader) || /import\.meta/.test(loader)) {
    throw new Error(`single-file: ${loaderFile} has an import, export or file path the script does not know`);
  }
  splitBody = `${loader}\nconst __kezhiSplit = { ${loaderExports.join(', ')} };\n`
    + `const ${splitUses.map((m) => `${m[1]} = __kezhiSplit`).join(', ')};\n`;
}

// The glue as a plain script body: its exports become local names.
const exported = [...glue.matchAll(/^export (?:async )?(?:function|class) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
let body = glue
  .replace(splitImport, '')
  .replace(/^export (?=(?:async )?(?:function|class) )/gm, '')
  .replace(/^export \{[^}]*\};?\s*$/m, '');
if (/^export /m.test(body)) throw new Error('single-file: an export the script does not know in the glue');
if (/import\.meta/.test(body.replace(/new URL\('[^']*', import\.meta\.url\)/, ''))) {
  throw new Error('single-file: the glue uses import.meta beyond its default wasm path');
}
// A module script may not name import.meta outside modules; it stays a module script, so the
// default path (never taken: the bytes are given) is harmless.
const inlineScript = (code) => code.replace(/<\/script/gi, '<\\/script');

const starter = `
function __kezhiBytes(base64) {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i += 1) bytes[i] = text.charCodeAt(i);
  return bytes;
}
${body}
${splitBody}
const __kezhiWasmBytes = __kezhiBytes(__kezhiWasmBase64);
// The files worker's script: its no-modules glue (which defines \`wasm_bindgen\`), then its wasm
// started from the inlined bytes. Made on first use only (the Blob holds a few megabytes).
let __kezhiFilesUrl;
window.kezhiFilesWorkerUrl = () => {
  __kezhiFilesUrl ??= URL.createObjectURL(new Blob([
    __kezhiFilesGlue,
    '\\nconst __b64 = "', __kezhiFilesBase64, '";\\n',
    'const __text = atob(__b64); const __bytes = new Uint8Array(__text.length);\\n',
    'for (let i = 0; i < __text.length; i += 1) __bytes[i] = __text.charCodeAt(i);\\n',
    'wasm_bindgen({ module_or_path: __bytes });\\n',
  ], { type: 'text/javascript' }));
  return __kezhiFilesUrl;
};
const __kezhiStarted = await __wbg_init({ module_or_path: __kezhiWasmBytes });
window.wasmBindings = { ${exported.join(', ')} };
dispatchEvent(new CustomEvent("TrunkApplicationStarted", {detail: {wasm: __kezhiStarted}}));
`;

// Trunk's loader, the preloads of the separate files, and what a file:// page cannot use (the
// web app manifest, the service worker's files) go; the rest of the page stays as built.
html = html
  .replace(/<script type="module">[\s\S]*?<\/script>/, () => `<script type="module">\nconst __kezhiWasmBase64 = "${wasm.toString('base64')}";\nconst __kezhiFilesBase64 = "${workerWasm.toString('base64')}";\nconst __kezhiChunks = ${JSON.stringify(splitChunks)};\nconst __kezhiFilesGlue = ${inlineScript(JSON.stringify(workerGlue))};\n${inlineScript(starter)}</script>`)
  .replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, '')
  .replace(/<link rel="manifest"[^>]*>/g, '')
  .replace(/<link rel="stylesheet" href="\.\/main-[0-9a-f]+\.css"[^>]*\/?>/, () => `<style>\n${css}\n</style>`);
// The pinyin readings' table (src/readings.rs fetches the file index.html names): its bytes
// as a data URL, which a page opened from file:// may fetch.
const readingsMeta = /<meta name="kezhi-readings" content="(pinyin-readings-[0-9a-f]+\.wasm)" \/>/;
const readingsFile = html.match(readingsMeta)?.[1];
if (!readingsFile) throw new Error('single-file: index.html names no pinyin readings file');
const readings = await readFile(join(dist, readingsFile));
html = html.replace(readingsMeta, () => `<meta name="kezhi-readings" content="data:application/wasm;base64,${readings.toString('base64')}" />`);
const icon = files.find((f) => f === 'favicon.svg');
if (icon) {
  const svg = await readFile(join(dist, icon));
  html = html.replace(/<link rel="icon" href="favicon\.svg"[^>]*>/, `<link rel="icon" href="data:image/svg+xml;base64,${svg.toString('base64')}" type="image/svg+xml" />`);
}
for (const left of [glueFile, wasmFile, cssFile]) {
  if (html.includes(`./${left}`)) throw new Error(`single-file: ${left} is still referenced`);
}
await mkdir(dirname(out), { recursive: true });
await writeFile(out, html);
console.log(`single-file: ${out} (${(Buffer.byteLength(html) / 1e6).toFixed(1)} MB)`);
