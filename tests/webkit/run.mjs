// Runs a command (the storage adapter's `cargo test --target wasm32-unknown-unknown`) with
// WebKit, Safari's engine, as its WebDriver browser: WebKitGTK's MiniBrowser driven by
// WebKitWebDriver on a virtual display.
//
//   node tests/webkit/run.mjs cargo test --target wasm32-unknown-unknown --tests
//
// Why a proxy: wasm-bindgen-test-runner speaks to a Safari driver (`SAFARIDRIVER_REMOTE`) but
// opens its session with empty capabilities, and WebKitWebDriver needs to be told which
// browser to start (`webkitgtk:browserOptions`). The proxy passes every request through and
// puts those capabilities into the new-session request; everything else — the test page, the
// results, the exit status — is the runner's own, as in Chromium and Firefox.
import { spawn, execFileSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { createServer as createNetServer } from 'node:net';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const CAPABILITIES = {
  browserName: 'MiniBrowser',
  'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
};

function which(cmd) {
  try { return execFileSync('sh', ['-c', `command -v ${cmd}`]).toString().trim(); } catch { return ''; }
}

async function freePort() {
  const s = createNetServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node tests/webkit/run.mjs <command> [args…]');
  process.exit(2);
}
for (const needed of ['xvfb-run', 'WebKitWebDriver']) {
  if (!which(needed)) {
    console.error(`${needed} is missing: scripts/setup.sh --test installs it`);
    process.exit(2);
  }
}

const driverPort = await freePort();
// Its own process group, so that the driver, xvfb and the browser go together at the end.
const driver = spawn(which('xvfb-run'), ['-a', which('WebKitWebDriver'), `--port=${driverPort}`],
  { stdio: 'ignore', detached: true });
const stopDriver = () => { try { process.kill(-driver.pid, 'SIGTERM'); } catch { /* gone */ } };
process.on('exit', stopDriver);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopDriver(); process.exit(1); });

let up = false;
for (let i = 0; i < 200 && !up; i++) {
  try { up = (await fetch(`http://127.0.0.1:${driverPort}/status`)).ok; } catch { await new Promise((r) => setTimeout(r, 100)); }
}
if (!up) {
  console.error('WebKitWebDriver did not start');
  process.exit(1);
}

const proxy = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.method === 'POST' && req.url === '/session') {
      body = Buffer.from(JSON.stringify({ capabilities: { alwaysMatch: CAPABILITIES } }));
    }
    const headers = { ...req.headers, 'content-length': String(body.length), host: `127.0.0.1:${driverPort}` };
    const out = request({ host: '127.0.0.1', port: driverPort, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
    out.end(body);
  });
});
await new Promise((ok) => proxy.listen(0, '127.0.0.1', ok));

const child = spawn(command[0], command.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, SAFARIDRIVER_REMOTE: `http://127.0.0.1:${proxy.address().port}` },
});
const code = await new Promise((done) => child.on('exit', (c, signal) => done(signal ? 1 : c)));
proxy.close();
stopDriver();
process.exit(code);
