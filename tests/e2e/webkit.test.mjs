// End-to-end in WebKit, Safari's engine (WebKitGTK's MiniBrowser driven by WebKitWebDriver under
// xvfb-run, plain HTTP): the same tests as Firefox (engines.mjs) — the demo stored in IndexedDB
// and back after a reload with an edit, the 100,000-customer demo stored and every record back
// after a reload, localStorage data of an older version moved into IndexedDB, sync with a
// CouchDB server both ways, the main flows with Chromium's figures.
import { spawn } from 'node:child_process';
import { engineTests, which } from './engines.mjs';

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

engineTests({
  label: 'WebKit',
  driver: (port) => spawn(which('xvfb-run'), ['-a', which('WebKitWebDriver'), `--port=${port}`],
    { stdio: 'ignore', detached: true, env: { ...process.env, TZ: 'Asia/Shanghai' } }),
  capabilities: {
    browserName: 'MiniBrowser',
    'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
  },
  names: { edit: '苹果客户', sync: '苹果同步' },
  db: 'webkit',
  hundredThousand: true,
});
