// The main user flows as one script run inside the page, the same in every engine (Chromium
// through Playwright, Firefox and WebKit through WebDriver), so that their figures can be
// compared: a search, a segment's count, the default funnel's counts, Today's count and items,
// a segment against the rest, the cohorts' sizes, the customer export (its lines and a hash of
// its text), and a CSV import's report. The demo must be loaded.

/** A small CSV of new customers for the import. */
export const IMPORT_CSV = '姓名,手机,城市\n引擎甲,13900000101,杭州\n引擎乙,13900000102,苏州\n引擎丙,13900000103,\n';

/** The body of an async function: run it as `(async () => { BODY })()`. */
export const FLOW_BODY = `
const $ = (id) => document.querySelector('[data-testid="' + id + '"]');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (f, what, ms = 60000) => {
  const t = Date.now();
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() - t > ms) throw new Error('timed out waiting for ' + what);
    await sleep(50);
  }
};
// A value once it has stayed the same for 500 ms (the page updates after a keystroke).
const steady = async (f, what) => {
  const t = Date.now();
  let last = f();
  let since = Date.now();
  while (Date.now() - since < 500) {
    await sleep(50);
    const v = f();
    if (v !== last) { last = v; since = Date.now(); }
    if (Date.now() - t > 60000) throw new Error('no steady value for ' + what);
  }
  return last;
};
const type = (id, v) => { const i = $(id); i.value = v; i.dispatchEvent(new Event('input', { bubbles: true })); };
const out = {};
// The same language everywhere (the export's headers are in it).
const lang = $('lang-switch');
if (lang.value !== 'zh-CN') { lang.value = 'zh-CN'; lang.dispatchEvent(new Event('change', { bubbles: true })); }
location.hash = '#/customers';
await until(() => $('customer-search') && $('customer-count'), 'the list');
type('customer-search', '王');
await until(() => $('customer-count').dataset.count !== '5000', 'the search');
out.search = await steady(() => $('customer-count').dataset.count, 'the search');
type('customer-search', '');
await until(() => $('customer-count').dataset.count === '5000', 'the search cleared');

location.hash = '#/segments';
await until(() => $('segment-query') && $('segment-count'), 'the segment builder');
type('segment-query', 'orders >= 2 and total_spent > 100000');
out.segment = await steady(() => $('segment-count').dataset.count, 'the segment count');

location.hash = '#/funnels';
await until(() => $('funnel-result-step'), 'the funnel');
out.funnel = await steady(() => [...document.querySelectorAll('[data-testid="funnel-result-step"]')]
  .map((e) => e.dataset.count).join(','), 'the funnel');

// The account manager's day (everyone's: the count and the items drawn), a segment against the
// rest, and the cohorts' sizes (issues 16 and 17).
location.hash = '#/today';
await until(() => $('today-item'), 'the day');
out.today = await steady(() => $('today-count').dataset.count + '/'
  + document.querySelectorAll('[data-testid="today-item"]').length, 'the day');
location.hash = '#/segments/compare?sq=' + encodeURIComponent('orders >= 2');
await until(() => document.querySelector('[data-testid="compare-figure"][data-metric="aov"][data-side="segment"]'), 'the comparison');
out.compare = await steady(() => [...document.querySelectorAll('[data-testid="compare-figure"]')]
  .map((e) => e.dataset.metric + ':' + e.dataset.side + '=' + e.dataset.value).join(' '), 'the comparison');
location.hash = '#/cohorts';
await until(() => $('cohort-size'), 'the cohorts');
out.cohorts = await steady(() => [...document.querySelectorAll('[data-testid="cohort-size"]')]
  .map((e) => e.dataset.cohort + '=' + e.dataset.count).join(' '), 'the cohorts');

location.hash = '#/customers';
await until(() => $('export-csv') && $('customer-count')?.dataset.count === '5000', 'the export button');
let blob = null;
const createObjectURL = URL.createObjectURL;
URL.createObjectURL = (b) => { blob = b; return createObjectURL.call(URL, b); };
$('export-csv').click();
await until(() => blob, 'the export');
URL.createObjectURL = createObjectURL;
const text = await blob.text();
out.exportLines = text.split('\\n').filter((l) => l.length > 0).length;
let h = 2166136261;
for (let i = 0; i < text.length; i += 1) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
out.exportHash = h.toString(16);

location.hash = '#/import';
await until(() => $('import-file') && $('import-kind'), 'the import page');
const kind = $('import-kind');
kind.value = 'customers';
kind.dispatchEvent(new Event('change', { bubbles: true }));
const files = new DataTransfer();
files.items.add(new File([IMPORT_CSV], 'c.csv', { type: 'text/csv' }));
const input = $('import-file');
input.files = files.files;
input.dispatchEvent(new Event('change', { bubbles: true }));
await until(() => $('import-preview-row'), 'the preview');
$('import-commit').click();
await until(() => $('import-report'), 'the report');
const r = $('import-report').dataset;
out.import = r.imported + '/' + r.skipped + '/' + r.errors;
location.hash = '#/customers';
await until(() => $('customer-count')?.dataset.count === '5003', 'the imported customers in the list');
return out;
`;

/** The flow as a script taking the CSV as its argument (WebDriver's `execute/sync`). */
export const FLOW_SCRIPT = `const IMPORT_CSV = arguments[0]; return (async () => { ${FLOW_BODY} })();`;

/** The flow as an expression for Playwright's `page.evaluate`. */
export const FLOW_EXPRESSION = `(async () => { const IMPORT_CSV = ${JSON.stringify(IMPORT_CSV)}; ${FLOW_BODY} })()`;
