import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A plain HTTP server on loopback for a test file: its port, the connections it took, and a close that ends them. */
export interface LoopbackHttpServer {
  port: number;
  endpoint: string;
  /** Every connection accepted so far (a keep-alive client reuses one). */
  connections: Set<Socket>;
  close(): Promise<void>;
}

export async function startHttpServer(handler: RequestListener): Promise<LoopbackHttpServer> {
  const server = createServer(handler);
  const connections = new Set<Socket>();
  server.on('connection', (s) => connections.add(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of connections) s.destroy();
        server.close(() => resolve());
      }),
  };
}
