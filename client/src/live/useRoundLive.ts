import { onScopeDispose, readonly, ref, toValue, watch, type MaybeRefOrGetter } from 'vue';
import { LiveServerMessage, liveEndOf, type LiveBoard, type LiveFrame, type LiveMe, type LiveRound } from '@cagnotte/shared';
import { ApiError, api } from '../api.ts';

/** Where the messages go: the composable keeps the socket, the caller keeps the state. */
export type LiveSink = {
  snapshot: (board: LiveBoard) => void;
  frame: (frame: LiveFrame) => void;
  round: (round: LiveRound) => void;
  me?: (me: LiveMe) => void;
};

export type LiveStatus = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'ended';
/** Why the socket stopped for good; it is not reopened after any of these. */
export type LiveEnd = 'link_revoked' | 'session_ended' | 'round_deleted' | 'refused';

const FIRST_DELAY_MS = 500;
const LONGEST_DELAY_MS = 30_000;
/** The server pings too, but a browser does not tell a page that its network silently died. */
const HEARTBEAT_MS = 25_000;

export function liveUrl(roundId: string, where: Pick<Location, 'protocol' | 'host'> = location): string {
  const scheme = where.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${where.host}/api/rounds/${encodeURIComponent(roundId)}/live`;
}

/** 0.5 s doubling to 30 s, each wait drawn between half and all of it so that screens do not reconnect in step. */
export function backoffDelay(attempt: number, random = Math.random): number {
  const ceiling = Math.min(LONGEST_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Follows one round's live socket (docs/live-protocol.md) with the session cookie: parses each
 * message with the shared schema, hands it to `sink`, and reconnects with backoff (each new
 * connection starts with a fresh snapshot) until the session ends or the scope is disposed.
 */
export function useRoundLive(roundId: MaybeRefOrGetter<string | null>, sink: LiveSink) {
  const status = ref<LiveStatus>('idle');
  const ended = ref<LiveEnd | null>(null);
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  let disposed = false;

  function stopTimers() {
    clearTimeout(retryTimer);
    clearInterval(heartbeatTimer);
    retryTimer = undefined;
    heartbeatTimer = undefined;
  }

  function detach(code = 1000) {
    stopTimers();
    const current = socket;
    socket = null;
    if (!current) return;
    current.onopen = current.onmessage = current.onclose = current.onerror = null;
    if (current.readyState === WebSocket.CONNECTING || current.readyState === WebSocket.OPEN) current.close(code);
  }

  function end(reason: LiveEnd) {
    detach();
    ended.value = reason;
    status.value = 'ended';
  }

  function receive(data: unknown) {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = LiveServerMessage.safeParse(json);
    // A message this client does not know (a newer server) is skipped, not fatal.
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.type) {
      case 'snapshot':
        attempt = 0;
        status.value = 'live';
        sink.snapshot({ round: message.round, buckets: message.buckets });
        break;
      case 'frame':
        sink.frame(message);
        break;
      case 'round':
        sink.round(message.round);
        break;
      case 'me':
        sink.me?.(message);
        break;
      case 'pong':
        break;
    }
  }

  /**
   * A refusal before the upgrade reaches a browser only as a bare close (1006), so ask the board
   * over HTTP what went wrong: 401 means the session is over, 404 that the round is gone.
   */
  async function diagnose(id: string): Promise<LiveEnd | null> {
    try {
      await api.board(id);
      return null;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return 'session_ended';
      if (error instanceof ApiError && error.status === 404) return 'round_deleted';
      return null;
    }
  }

  function retry(id: string, delay: number) {
    status.value = 'reconnecting';
    retryTimer = setTimeout(() => connect(id), delay);
  }

  async function closed(id: string, event: CloseEvent, opened: boolean) {
    socket = null;
    stopTimers();
    if (disposed) return;
    const over = liveEndOf(event);
    if (over) return end(over);
    if (event.code === 1000) return end('round_deleted');
    // 1008: the server did not understand us; retrying would repeat the same mistake.
    if (event.code === 1008) return end('refused');
    if (!opened) {
      const verdict = await diagnose(id);
      if (disposed || id !== toValue(roundId)) return;
      if (verdict) return end(verdict);
    }
    if (event.code === 1001) return retry(id, backoffDelay(1));
    retry(id, backoffDelay(attempt++));
  }

  function connect(id: string) {
    detach();
    status.value = status.value === 'idle' || status.value === 'ended' ? 'connecting' : 'reconnecting';
    const ws = new WebSocket(liveUrl(id));
    socket = ws;
    let opened = false;
    let answered = true;
    ws.onopen = () => {
      opened = true;
      heartbeatTimer = setInterval(() => {
        if (!answered) {
          // No pong since the last ping: the link is dead even if the browser has not noticed.
          detach(4000);
          retry(id, backoffDelay(attempt++));
          return;
        }
        answered = false;
        ws.send(JSON.stringify({ type: 'ping' }));
      }, HEARTBEAT_MS);
    };
    ws.onmessage = (event) => {
      answered = true;
      receive(event.data);
    };
    ws.onclose = (event) => void closed(id, event, opened);
  }

  /** Back online: try now rather than at the end of a long backoff. */
  function online() {
    const id = toValue(roundId);
    if (id && status.value === 'reconnecting') connect(id);
  }
  window.addEventListener('online', online);

  watch(
    () => toValue(roundId),
    (id) => {
      detach();
      attempt = 0;
      ended.value = null;
      status.value = 'idle';
      if (id) connect(id);
    },
    { immediate: true },
  );

  onScopeDispose(() => {
    disposed = true;
    window.removeEventListener('online', online);
    detach();
  });

  return { status: readonly(status), ended: readonly(ended) };
}
