// Ports for the servers a spec starts itself (cluster.spec.ts, https.spec.ts).
import { createServer } from 'node:net';

/** A port nobody listens on now, from the OS. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => done(port));
    });
  });
}
