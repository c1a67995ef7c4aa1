/**
 * A tiny keep-alive HTTP/1.1 client. Both systems under test
 * (etcd's JSON gateway and Docket's API) are driven through this same code, so neither gets a
 * cheaper client path than the other.
 */
import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  body: Buffer;
}

export interface HttpClient {
  /** Sends one request over a pooled keep-alive connection and buffers the whole response. */
  send(method: string, path: string, body?: Buffer | string, headers?: Record<string, string>): Promise<HttpResponse>;
  close(): void;
}

/** `baseUrl` like `http://127.0.0.1:2379`; `maxSockets` caps the connection pool (= writers). */
export function createHttpClient(baseUrl: string, maxSockets: number): HttpClient {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  return {
    send(method, path, body, headers = {}) {
      return new Promise((resolve, reject) => {
        const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
        const req = request(
          {
            agent,
            host: url.hostname,
            port: url.port,
            method,
            path,
            headers: {
              ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
              ...headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Throws with the status and the start of the body unless the response is 2xx. */
export function expectOk(res: HttpResponse, what: string): HttpResponse {
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${what}: HTTP ${res.status}: ${res.body.toString('utf8', 0, 400)}`);
  }
  return res;
}
