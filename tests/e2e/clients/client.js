// An ordinary Node client written the classic way: keepalive asked for with the "default" delay
// (0), no inactivity timeout, and an error handler. Nothing ends it but the connection failing.
// Exit 1 with the error when it does, 2 if the peer ever answers or closes.
'use strict';

const net = require('net');

const [host, port] = process.argv.slice(2);
const socket = net.connect({ host, port: Number(port) });
socket.setKeepAlive(true, 0);
socket.setTimeout(0);
socket.on('data', (chunk) => {
  console.error(`received ${chunk.length} byte(s)`);
  process.exit(2);
});
socket.on('end', () => {
  console.error('the peer closed the connection');
  process.exit(2);
});
socket.on('error', (error) => {
  console.error(`error: ${error.code}: ${error.message}`);
  process.exit(1);
});
