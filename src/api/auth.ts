import { timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/** The environment variable (or keystore entry) that holds the API's bearer token. */
export const API_TOKEN_NAME = "FLASH_ARB_API_TOKEN";

/** Whether `host` is a loopback address or name. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The bearer token a request carries: the Authorization header, or `access_token` for the stream (EventSource cannot set headers). */
function presented(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith("Bearer ")) return header.slice(7).trim();
  const query = request.query as { access_token?: unknown } | undefined;
  if (request.url.startsWith("/api/stream") && typeof query?.access_token === "string") return query.access_token;
  return undefined;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The API's access rule: reads are open when the server listens on loopback only, and need the
 * token otherwise; writes always need it, and are refused outright when no token is configured.
 * On loopback, a request naming another host is refused too: a web page elsewhere must not reach
 * the API through a DNS name rebound to 127.0.0.1.
 */
export function accessCheck(options: { token: string | undefined; loopback: boolean }) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (options.loopback) {
      const host = (request.headers.host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
      if (!isLoopback(host))
        return void reply.code(403).send({
          error: "forbidden_host",
          message: `Host ${host || "(none)"} is not a loopback name; this API answers only to 127.0.0.1 and localhost.`,
        });
    }
    const write = request.method !== "GET" && request.method !== "HEAD";
    if (!write && options.loopback) return;
    if (options.token === undefined)
      return void reply.code(401).send({
        error: "no_token_configured",
        message: `Set ${API_TOKEN_NAME} (environment or keystore) and restart the engine to use the controls.`,
      });
    const token = presented(request);
    if (token === undefined || !same(token, options.token))
      return void reply
        .code(401)
        .header("www-authenticate", "Bearer")
        .send({ error: "unauthorized", message: "A valid bearer token is required (Authorization: Bearer <token>)." });
  };
}
