import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';

// Swagger UI's files are served from our own package, not a CDN: the docs page works offline.
const assetsDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const asset = (file: string) => readFileSync(join(assetsDir, file));

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Collections orchestrator API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="api"></div><script src="/docs/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', persistAuthorization: true });</script></body>
</html>`;

/** `/docs`: the API reference, rendered by Swagger UI from `/openapi.json`. */
export function docsRoutes(): Hono {
  const css = asset('swagger-ui.css');
  const js = asset('swagger-ui-bundle.js');
  const routes = new Hono();
  routes.get('/docs', (c) => c.html(page));
  routes.get('/docs/swagger-ui.css', (c) => c.body(css, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=86400' }));
  routes.get('/docs/swagger-ui-bundle.js', (c) => c.body(js, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=86400' }));
  return routes;
}
