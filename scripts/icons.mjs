// Renders the app icons (public/icon-192.png, icon-512.png, icon-maskable-512.png) from
// public/favicon.svg with Debian's Chromium. Run by hand when the icon changes; the PNGs are
// committed. The glyph needs a CJK font (Debian: fonts-wqy-microhei or fonts-noto-cjk).
//   node scripts/icons.mjs
import { readFile } from 'node:fs/promises';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const pub = resolve(dirname(fileURLToPath(import.meta.url)), '../public');
const svg = await readFile(join(pub, 'favicon.svg'), 'utf8');
// Maskable: the background fills the square (the platform cuts its own shape) and the glyph
// sits well inside the safe zone.
const maskable = svg.replace(/ rx="[^"]*"/, '').replace('font-size="34"', 'font-size="30"').replace('y="44"', 'y="42"');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless=new', '--no-sandbox', '--disable-gpu'],
});
try {
  for (const [file, size, image] of [
    ['icon-192.png', 192, svg],
    ['icon-512.png', 512, svg],
    ['icon-maskable-512.png', 512, maskable],
  ]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const sized = image.replace('<svg ', `<svg width="${size}" height="${size}" `);
    await page.setContent(`<style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`);
    await page.screenshot({ path: join(pub, file), omitBackground: true });
    await page.close();
    console.log(`wrote public/${file}`);
  }
} finally {
  await browser.close();
}
