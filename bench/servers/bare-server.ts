// The baseline the hub is measured against: a bare socket.io server that, on a plain HTTP request,
// emits the body to the next connected socket (round robin). No validation, no storage, no auth.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { AGENTS_NAMESPACE } from '../../shared/protocol/index.ts';
import { serveRunner, type ServerMessage } from '../lib/ipc.ts';

const sockets: Socket[] = [];
let next = 0;
const http = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const packet: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const socket = sockets[next++ % Math.max(1, sockets.length)];
    socket?.emit('handoff:offered', { handoff: { packet } });
    response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  });
});
const io = new Server(http, { serveClient: false });
io.of(AGENTS_NAMESPACE).on('connection', (socket) => {
  sockets.push(socket);
  socket.on('disconnect', () => sockets.splice(sockets.indexOf(socket), 1));
});
http.listen(0, '127.0.0.1', () => {
  serveRunner();
  process.send!({ type: 'ready', url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` } satisfies ServerMessage);
});
