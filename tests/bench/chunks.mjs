// Build report (not a test): what each split point's first use fetches — its own chunk and the
// shared chunks it needs, as the loader (dist/wasm_split-*.js) lists them — in files and gzip-9
// bytes, and all chunks together. Figures go into docs/benchmarks.md.
//   node tests/bench/chunks.mjs [dist]
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
const dir = process.argv[2] ?? 'dist';
const files = readdirSync(dir);
const loader = readFileSync(`${dir}/${files.find((f) => /^wasm_split-.*\.js$/.test(f))}`, 'utf8');
const gz = (f) => gzipSync(readFileSync(`${dir}/${f}`), { level: 9 }).length;
const chunkFile = {};
for (const m of loader.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) chunkFile[m[1]] = m[2];
const rows = [];
for (const m of loader.matchAll(/export const __wasm_split_load_(\w+) = wrapAsyncCb\(makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"[\s\S]*?, \[([^\]]*)\]\)\);/g)) {
  const deps = m[3].split(',').map((s) => s.trim()).filter(Boolean);
  const own = gz(m[2]);
  const shared = deps.reduce((a, d) => a + gz(chunkFile[d]), 0);
  rows.push({ point: m[1], files: deps.length + 1, own_gz: own, with_shared_gz: own + shared });
}
rows.sort((a, b) => b.with_shared_gz - a.with_shared_gz);
console.table(rows);
let total = 0; for (const f of files) if (/^(split_|chunk_).*\.wasm$/.test(f)) total += gz(f);
console.log('chunks', files.filter((f) => /^(split_|chunk_).*\.wasm$/.test(f)).length, 'gz total', total);
