// Serves the release build (dist/) for the browser tests. Zero dependencies on purpose: the only thing
// the tests need from a server is the right MIME types — browsers refuse to stream-compile a .wasm
// unless it comes as application/wasm, and refuse module scripts not sent as JavaScript.
//
// Env: LAB_DIST_DIR (default ../../dist from this file), LAB_E2E_HOST (127.0.0.1), LAB_E2E_PORT (8765).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, process.env.LAB_DIST_DIR || '../../dist');
const host = process.env.LAB_E2E_HOST || '127.0.0.1';
const port = Number(process.env.LAB_E2E_PORT || 8765);

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

try {
  await stat(join(root, 'index.html'));
} catch {
  console.error(`serve-dist: no ${join(root, 'index.html')} — build it first (trunk build --release)`);
  process.exit(1);
}

createServer(async (req, res) => {
  // Query strings (?scenario=demo&ticks=40) are for the app, not for file lookup.
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    res.writeHead(400).end(); // malformed %-escape
    return;
  }
  let file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  // Paths without an extension are app routes: answer with the page, as trunk serve does.
  if (!extname(file)) file = join(root, 'index.html');
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
      'Cache-Control': 'no-store', // a rebuilt dist/ must never be masked by a cached copy
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  }
}).listen(port, host, () => {
  console.log(`serve-dist: ${root} on http://${host}:${port}/`);
});
