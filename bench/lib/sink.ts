/**
 * The null sink: an HTTP server in a child process that reads each request body, throws it away and
 * answers a fixed upload `Success` with a `filekey`, whatever was sent. Driven by the same lean client
 * as mwup, it shows how fast the client side alone can go on this machine.
 */
import { type Child, startChild } from './proc.js';

const SINK = `
const http = require('node:http');
const answer = JSON.stringify({ upload: { result: 'Success', filekey: 'sink.1.png', filename: 'Sink.png' } });
const s = http.createServer((req, res) => {
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
    res.end(answer);
  });
  req.resume();
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

export async function startSink(): Promise<Child & { api: string }> {
  const child = await startChild(SINK);
  return { ...child, api: `http://127.0.0.1:${child.port}/w/api.php` };
}
