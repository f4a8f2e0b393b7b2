// A static file server for dist/ (no dependencies), on an ephemeral port.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Serves `root` on `host` (default 127.0.0.1); `extra` maps paths to
 * [type, body, headers?] for test pages (e.g. a CORS header); `headers`
 * are sent with the files of `root` and with "not found".
 */
export async function serve(root, { host = '127.0.0.1', extra = {}, headers = {} } = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (extra[path]) {
      const [type, body, headers = {}] = extra[path];
      res.writeHead(200, { 'content-type': type, ...headers });
      return res.end(body);
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(normalize(root))) {
      res.writeHead(403, headers);
      return res.end();
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', ...headers });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain', ...headers });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, host, ok));
  const { port } = server.address();
  return { server, port, url: `http://${host}:${port}`, close: () => new Promise((ok) => server.close(ok)) };
}
