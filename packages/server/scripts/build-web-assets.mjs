// The web interface's static files: the stylesheet and the uploader script (with the browser
// client), bundled by esbuild into dist/web-assets, which the server serves under /w/static/.
import { build } from 'esbuild';

await build({
  entryPoints: [
    'assets/mwup.css',
    ...(await import('node:fs'))
      .readdirSync('assets')
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
