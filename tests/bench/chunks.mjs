// Build report (not a test): what each split point's first use fetches — its own chunk, the
// shared chunks it needs, as the loader (dist/wasm_split-*.js) lists them, and the pack of the
// small shared chunks (scripts/pwa.mjs) if it needs one of those — in files and gzip-9 bytes,
// and all chunks together. Figures go into docs/benchmarks.md.
//   node tests/bench/chunks.mjs [dist]
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const dir = process.argv[2] ?? 'dist';
const files = readdirSync(dir);
const loader = readFileSync(`${dir}/${files.find((f) => /^wasm_split-.*\.js$/.test(f))}`, 'utf8');
const gz = (f) => gzipSync(readFileSync(`${dir}/${f}`), { level: 9 }).length;
const pack = files.find((f) => /^chunk_pack-.*\.wasm$/.test(f));
// A chunk's fetch: its own file, or `__kezhiPacked(start, end)` inside the pack.
const SOURCE = String.raw`const src = (?:fetch\(new URL\("\.\/([^"]+)"|__kezhiPacked\()`;
const chunkFile = {};
for (const m of loader.matchAll(new RegExp(String.raw`const (__chunk_\d+) = makeLoad\(\(\) => \{\s*${SOURCE}`, 'g'))) chunkFile[m[1]] = m[2] ?? pack;
const rows = [];
for (const m of loader.matchAll(new RegExp(String.raw`export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*${SOURCE}[\s\S]*?, \[([^\]]*)\]\)\);`, 'g'))) {
  const fetched = new Set([m[2] ?? pack, ...m[3].split(',').map((s) => s.trim()).filter(Boolean).map((d) => chunkFile[d])]);
  const bytes = [...fetched].reduce((a, f) => a + gz(f), 0);
  rows.push({ point: m[1], files: fetched.size, own_gz: gz(m[2] ?? pack), with_shared_gz: bytes });
}
rows.sort((a, b) => b.with_shared_gz - a.with_shared_gz);
console.table(rows);
const chunks = files.filter((f) => /^(split_|chunk_).*\.wasm$/.test(f));
console.log('chunk files', chunks.length, 'gz total', chunks.reduce((a, f) => a + gz(f), 0), pack ? `pack ${pack} gz ${gz(pack)}` : 'no pack');
