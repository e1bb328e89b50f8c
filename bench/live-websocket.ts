/**
 * A lean WebSocket client for the live bench's sockets thread (RFC 6455), so that reading
 * 50,000 messages a second costs the thread as little as possible: the handshake by hand over
 * `net`, then frames read straight from one read buffer shared by every socket of the thread
 * (Node's `onread`), no Buffer per read, no event per message. A message is handed over as a
 * view of that buffer, valid only during the call: copy what is kept.
 *
 * Only what the live server sends is understood: unfragmented text frames, ping (answered),
 * pong, close (answered, then the socket ends). Anything else (a binary or fragmented frame, a
 * masked one) is a protocol error: the socket is closed, as a browser would.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export type WebSocketHandlers = {
  /** The payload of a text frame: a view of the shared read buffer, valid only during the call. */
  text(payload: Buffer): void;
  /** The connection is gone, for whatever reason (closed by either side, refused, cut). */
  closed(reason: string): void;
};

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const END_OF_HEADERS = Buffer.from('\r\n\r\n');
const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

export class LeanWebSocket {
  private readonly socket: Socket;
  private readonly key = randomBytes(16).toString('base64');
  private upgraded = false;
  private ended = false;
  /** Bytes of a frame (or of the handshake's answer) not complete at the end of a read. */
  private held = Buffer.alloc(0);
  private heldLength = 0;

  constructor(url: URL, headers: Record<string, string>, private readonly handlers: WebSocketHandlers) {
    this.socket = connect({
      host: url.hostname,
      port: Number(url.port),
      onread: { buffer: READ_BUFFER, callback: (n) => this.onRead(READ_BUFFER.subarray(0, n)) },
    });
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${this.key}`,
      'Sec-WebSocket-Version: 13',
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    this.socket.on('error', (error) => this.end(error.message));
    this.socket.on('close', () => this.end('connection closed'));
  }

  /** Cuts the connection without a close frame. */
  terminate(): void {
    this.socket.destroy();
  }

  /** `gracefully`: what was written still goes out before the connection ends. */
  private end(reason: string, gracefully = false): void {
    if (this.ended) return;
    this.ended = true;
    if (gracefully) this.socket.end();
    else this.socket.destroy();
    this.handlers.closed(reason);
  }

  private onRead(chunk: Buffer): boolean {
    let data = chunk;
    if (this.heldLength > 0) {
      this.hold(chunk);
      data = this.held.subarray(0, this.heldLength);
    }
    const used = this.upgraded ? this.readFrames(data) : this.readHandshake(data);
    if (this.ended) return false;
    const left = data.length - used;
    if (data === chunk) {
      this.heldLength = 0;
      if (left > 0) this.hold(chunk.subarray(used));
    } else {
      this.held.copyWithin(0, used, data.length);
      this.heldLength = left;
    }
    return true;
  }

  private hold(bytes: Buffer): void {
    const length = this.heldLength + bytes.length;
    if (length > this.held.length) {
      const grown = Buffer.allocUnsafe(Math.max(length, 2 * this.held.length, 16 * 1024));
      this.held.copy(grown, 0, 0, this.heldLength);
      this.held = grown;
    }
    bytes.copy(this.held, this.heldLength);
    this.heldLength = length;
  }

  /** The server's answer to the upgrade: 101 and the accept key derived from ours. Returns the bytes used. */
  private readHandshake(data: Buffer): number {
    const end = data.indexOf(END_OF_HEADERS);
    if (end < 0) return 0;
    const head = data.toString('latin1', 0, end);
    const accept = createHash('sha1').update(this.key + GUID).digest('base64');
    if (!head.startsWith('HTTP/1.1 101 ')) this.end(`upgrade refused: ${head.split('\r\n')[0]}`);
    else if (!new RegExp(`^sec-websocket-accept: *${accept.replace(/[+/]/g, '\\$&')}\\s*$`, 'im').test(head)) this.end('wrong Sec-WebSocket-Accept');
    else if (/^sec-websocket-extensions:/im.test(head)) this.end('an extension was negotiated, none was asked');
    this.upgraded = true;
    const used = end + END_OF_HEADERS.length;
    return this.ended ? used : used + this.readFrames(data.subarray(used));
  }

  /** Reads every complete frame of `data`; returns the bytes used (the rest waits for more). */
  private readFrames(data: Buffer): number {
    let at = 0;
    while (!this.ended && data.length - at >= 2) {
      const first = data[at]!;
      const second = data[at + 1]!;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        header = 4;
        if (data.length - at < header) break;
        length = data.readUInt16BE(at + 2);
      } else if (length === 127) {
        header = 10;
        if (data.length - at < header) break;
        length = data.readUIntBE(at + 4, 6);
      }
      if (data.length - at < header + length) break;
      const payload = data.subarray(at + header, at + header + length);
      at += header + length;
      const fin = (first & 0x80) !== 0;
      const opcode = first & 0x0f;
      if (!fin || (second & 0x80) !== 0 || (first & 0x70) !== 0) this.fail('fragmented, masked or extended frame');
      else if (opcode === TEXT) this.handlers.text(payload);
      else if (opcode === PING) this.send(PONG, payload);
      else if (opcode === CLOSE) {
        this.send(CLOSE, payload.subarray(0, 2));
        this.end(`closed by the server: ${payload.length >= 2 ? payload.readUInt16BE(0) : 'no code'} ${payload.toString('utf8', 2)}`, true);
      } else if (opcode !== PONG) this.fail(`unexpected opcode ${opcode}`);
    }
    return at;
  }

  private fail(reason: string): void {
    this.send(CLOSE, Buffer.from([0x03, 0xea])); // 1002, protocol error
    this.end(reason, true);
  }

  /** A control frame (≤ 125 bytes), masked as every client frame must be. */
  private send(opcode: number, payload: Buffer): void {
    const mask = randomBytes(4);
    const frame = Buffer.allocUnsafe(6 + payload.length);
    frame[0] = 0x80 | opcode;
    frame[1] = 0x80 | payload.length;
    mask.copy(frame, 2);
    for (let i = 0; i < payload.length; i++) frame[6 + i] = payload[i]! ^ mask[i & 3]!;
    this.socket.write(frame);
  }
}
