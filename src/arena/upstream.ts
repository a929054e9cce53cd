import { BaseError } from "../errors.js";

/** A JSON-RPC error as the node answered it: code, message and data kept for the caller. */
export class UpstreamError extends BaseError {
  override readonly name = "UpstreamError";
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/** The node behind the builder: one JSON-RPC request at a time, answered or thrown as `UpstreamError`. */
export interface Upstream {
  request(method: string, params?: readonly unknown[]): Promise<unknown>;
}

/** An EIP-1193 provider (Hardhat's in-process network) as an upstream. */
export function eip1193Upstream(provider: {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}): Upstream {
  return {
    async request(method, params = []) {
      try {
        return await provider.request({ method, params: [...params] });
      } catch (error) {
        const e = error as { code?: number; message?: string; data?: unknown };
        throw new UpstreamError(typeof e.code === "number" ? e.code : -32603, e.message ?? String(error), e.data);
      }
    },
  };
}

/** A node at a JSON-RPC URL as an upstream. */
export function httpUpstream(url: string): Upstream {
  let id = 0;
  return {
    async request(method, params = []) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: ++id, method, params }),
      });
      const body = (await response.json()) as {
        result?: unknown;
        error?: { code: number; message: string; data?: unknown };
      };
      if (body.error !== undefined) throw new UpstreamError(body.error.code, body.error.message, body.error.data);
      return body.result;
    },
  };
}
