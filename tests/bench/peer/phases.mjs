// Where question (a) of the race goes in the browser, phase by phase: the page generates the
// race's data (as race.mjs does), then counts the analytics ROUNDS times through the app's
// stepped builder with no budget — one phase a step — alternating with the race's own timing of
// `compute` (the whole question). Prints each phase's min / median in ms.
//   scripts/build.sh --bench && node tests/bench/peer/phases.mjs
// Environment: KEZHI_BENCH_DIST (default dist-bench/), ROUNDS (default 9).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, open, root } from '../../e2e/harness.mjs';

const benchDist = process.env.KEZHI_BENCH_DIST ?? join(root, 'dist-bench');
if (!existsSync(join(benchDist, 'index.html'))) {
  console.error(`no benchmark build in ${benchDist}: run scripts/build.sh --bench`);
  process.exit(1);
}
const ROUNDS = Number(process.env.ROUNDS ?? 9);
// The builder's steps today (crates/core/src/metrics/figures.rs, compare.rs): a step that
// changes there shifts these names, so they are printed beside the step numbers.
const NAMES = ['new', 'customers into the table', 'orders', 'sums', 'days', 'gaps', 'recency',
  'R scores', 'F scores', 'M scores + groups', 'stages', 'tier cuts', 'tiers + packing', 'finish'];

const server = await startServer(benchDist);
const browser = await launch();
try {
  const page = await open(browser.context, server.url + '#/settings');
  if (!(await page.evaluate(() => window.wasmBindings.race_prepare(100000, 1000000, 1000000)))) {
    throw new Error('race_prepare failed');
  }
  const phases = [];
  const whole = [];
  for (let k = 0; k < ROUNDS; k++) {
    phases.push(await page.evaluate(() => Array.from(window.wasmBindings.race_analytics_phases())));
    whole.push(await page.evaluate(() => window.wasmBindings.race_analytics()));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  const rows = phases[0].map((_, i) => ({
    step: i,
    phase: NAMES[i] ?? '?',
    'min ms': Math.min(...phases.map((r) => r[i])).toFixed(1),
    'median ms': median(phases.map((r) => r[i])).toFixed(1),
  }));
  console.table(rows);
  const sum = phases[0].map((_, i) => median(phases.map((r) => r[i]))).reduce((a, b) => a + b, 0);
  console.log(`sum of the phases' medians ${sum.toFixed(1)} ms; compute() min ${Math.min(...whole).toFixed(1)}, median ${median(whole).toFixed(1)} ms`);
} finally {
  await browser.close();
  server.close?.();
}
