import { io, type Socket } from 'socket.io-client';

export interface RawApp {
  socket: Socket;
  /** Resolves once the hub sent `session` (signed in), rejects with the handshake's error message. */
  signedIn: Promise<void>;
  /** Resolves with the `session:ended` reason (or null) once the hub disconnected the app. */
  disconnected: Promise<{ reason: string | null; cause: string }>;
}

/** A bare socket.io app on `/agents` that never reconnects, to watch what the hub does to it. */
export function rawApp(hubUrl: string, token: string): RawApp {
  const socket = io(`${hubUrl}/agents`, { auth: { token }, forceNew: true, reconnection: false, transports: ['websocket'] });
  let endedReason: string | null = null;
  socket.on('session:ended', (payload: { reason: string }) => (endedReason = payload.reason));
  const signedIn = new Promise<void>((resolve, reject) => {
    socket.once('session', () => resolve());
    socket.once('connect_error', (error) => reject(new Error(error.message)));
  });
  const disconnected = new Promise<{ reason: string | null; cause: string }>((resolve) => socket.once('disconnect', (cause) => resolve({ reason: endedReason, cause })));
  signedIn.catch(() => undefined);
  return { socket, signedIn, disconnected };
}
