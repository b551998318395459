// End-to-end in Firefox ESR (WebDriver through geckodriver, plain HTTP): the tests of
// engines.mjs — the demo stored in IndexedDB and back after a reload with an edit, localStorage
// data of an older version moved into IndexedDB, sync with a CouchDB server both ways.
import { spawn } from 'node:child_process';
import { engineTests, which } from './engines.mjs';

engineTests({
  label: 'Firefox',
  driver: (port) => spawn(which('geckodriver'), ['--port', String(port), '--host', '127.0.0.1'],
    { stdio: 'ignore', detached: true, env: { ...process.env, TZ: 'Asia/Shanghai' } }),
  capabilities: {
    browserName: 'firefox',
    'moz:firefoxOptions': { binary: which('firefox-esr') || which('firefox'), args: ['-headless'],
      prefs: { 'intl.accept_languages': 'zh-CN' } },
  },
  names: { edit: '火狐客户', sync: '火狐同步' },
  db: 'firefox',
  hundredThousand: true,
});
