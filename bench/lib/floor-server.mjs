// The "HTTP floor" server of bench:store: the least work any Node HTTP server can do for a write,
// so the bench can show how far this client and machine get before storage or validation costs
// anything. Plain JS, node:http only, nothing else loaded (no tsx, no framework).
// Usage: node floor-server.mjs echo|parse
//   echo:  read the body, answer 201 with the same bytes
//   parse: JSON.parse the body, answer 201 with JSON.stringify of it (the least a JSON API must do)
// Listens on a kernel-chosen loopback port and prints "listening on http://127.0.0.1:PORT".
import { createServer } from 'node:http';

const mode = process.argv[2];
if (mode !== 'echo' && mode !== 'parse') {
  process.stderr.write(`usage: node floor-server.mjs echo|parse (got ${String(mode)})\n`);
  process.exit(2);
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (mode === 'parse' && body.length > 0) {
      try {
        body = Buffer.from(JSON.stringify(JSON.parse(body.toString('utf8'))));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(err));
        return;
      }
    }
    res.writeHead(201, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`floor server (${mode}) listening on http://127.0.0.1:${server.address().port}\n`);
});
