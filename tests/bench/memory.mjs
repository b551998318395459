// Memory figures for the browser benchmarks.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Memory the app itself holds: its wasm linear memory plus the JS heap, in MB. */
export const appMb = (page) => page.evaluate(() => Math.round(
  ((window.kezhiWasm?.memory?.buffer?.byteLength ?? 0) + (performance.memory?.usedJSHeapSize ?? 0)) / 1e6));

/** Process ids of the Chromium renderers running on this machine. */
function renderers(what) {
  const out = execFileSync('ps', ['-eo', `${what}=,args=`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('--type=renderer')).map((l) => parseInt(l, 10));
}

/** Resident memory of the largest Chromium renderer (the tab, including its wasm memory). */
export function rendererMb() {
  const sizes = renderers('rss');
  return sizes.length ? Math.round(Math.max(...sizes) / 1024) : null;
}

/**
 * Private memory of the largest renderer (Private_Clean + Private_Dirty + swap from
 * /proc/PID/smaps_rollup): the pages only this tab holds, close to what Chrome's task manager
 * calls its memory footprint. Shared libraries, counted in the resident set, are left out.
 * Every renderer on the machine is looked at: run benchmarks alone.
 */
export function rendererPrivateMb() {
  const sizes = renderers('pid').map((pid) => {
    try {
      const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const kb = (key) => Number((text.match(new RegExp(`^${key}:\\s+(\\d+)`, 'm')) ?? [0, 0])[1]);
      return kb('Private_Clean') + kb('Private_Dirty') + kb('Swap');
    } catch {
      return 0; // gone since `ps`
    }
  });
  return sizes.length ? Math.round(Math.max(...sizes) / 1024) : null;
}
