// The web interface's static files: the stylesheet and the uploader script (with the browser
// client), bundled by esbuild into dist/web-assets, which the server serves under /w/static/.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { build } from 'esbuild';

await build({
  entryPoints: [
    'assets/mwup.css',
    ...readdirSync('assets')
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `assets/${f}`),
  ],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: 'dist/web-assets',
  minify: true,
  sourcemap: true,
  logLevel: 'warning',
});

// Files served as they are (the icon).
mkdirSync('dist/web-assets', { recursive: true });
for (const f of readdirSync('assets').filter((f) => f.endsWith('.svg')))
  copyFileSync(`assets/${f}`, `dist/web-assets/${f}`);
