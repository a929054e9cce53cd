import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import { z } from "zod";
import type { AddressBook } from "../addressBook.js";
import { LIVE_KEYS } from "../engine/config.js";
import type { Logger } from "../engine/log.js";
import type { RecordsReader } from "../engine/record/reader.js";
import { type EngineService, LiveConfigError } from "../engine/service.js";
import { BaseError } from "../errors.js";
import type { EngineMetrics } from "../metrics/metrics.js";
import { ownerActions } from "../ops/ownerActions.js";
import { accessCheck, isLoopback } from "./auth.js";
import {
  auditPage,
  auditQuery,
  configPatch,
  controlResult,
  errorSchema,
  opportunitiesPage,
  opportunitiesQuery,
  ownerActionsSchema,
  profitQuery,
  profitSchema,
  statusSchema,
  TOTAL_CAP,
  tradeSchema,
  tradesPage,
  tradesQuery,
} from "./schemas.js";
import { EventStream } from "./stream.js";
import { auditView, profitView, publicConfig, statusView, tradeView } from "./views.js";

/** The built dashboard (`npm run build`). */
const WEB_ROOT = fileURLToPath(new URL("../../dist/web/", import.meta.url));
const VERSION = (
  JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as {
    version: string;
  }
).version;

/** A head older than this makes `/ready` fail: the engine is not following the chain. */
const READY_MAX_HEAD_AGE_MS = 60_000;

/** What the API serves: one running service, its records, and where its metrics are. */
export interface ApiDeps {
  readonly service: EngineService;
  /** Where the surface reads the records: this engine's file, or the PostgreSQL several engines share. */
  readonly records: RecordsReader;
  readonly book: AddressBook;
  readonly symbols: Readonly<Record<string, string>>;
  readonly metrics: EngineMetrics;
  readonly log: Logger;
  /** The bearer token for writes (and for reads off loopback); without one, writes are refused. */
  readonly token: string | undefined;
  /** Where the server listens: decides whether reads need the token. */
  readonly host: string;
}

/**
 * The operator's HTTP API (Fastify, zod): status, opportunities with their funnel stage,
 * trades with filters and pages, profit per period, the audit log, the configuration and its
 * live limits, pause and resume, the owner's unsigned actions, the live stream (server-sent
 * events), Prometheus metrics, and the dashboard. The OpenAPI description at `/openapi.json` is
 * generated from the same zod schemas that validate the requests.
 */
export async function buildApi(deps: ApiDeps): Promise<{ app: FastifyInstance; stream: EventStream }> {
  const { service, records, log } = deps;
  const loopback = isLoopback(deps.host);
  if (!loopback && deps.token === undefined)
    throw new BaseError(`The API would listen on ${deps.host} without a token.`, {
      details:
        "Anything but loopback exposes the engine's state to the network: set FLASH_ARB_API_TOKEN (reads then need it too), or set apiHost to 127.0.0.1.",
    });
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "flash-arb engine API",
        version: VERSION,
        description:
          "The operator's surface of one engine. Reads are open on loopback; writes need `Authorization: Bearer <FLASH_ARB_API_TOKEN>`.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
    transform: jsonSchemaTransform,
  });
  app.setErrorHandler((error, request, reply) => {
    if (hasZodFastifySchemaValidationErrors(error)) {
      const message = error.validation
        .map((v) => `${(v.instancePath || "/").replace(/^\//, "") || "(request)"}: ${v.message}`)
        .join("; ");
      return reply.code(400).send({ error: "bad_request", message });
    }
    if (error instanceof LiveConfigError)
      return reply.code(400).send({ error: "bad_config", message: error.shortMessage, details: error.details });
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500)
      return reply.code(status).send({ error: "bad_request", message: (error as Error).message });
    log.error("api_error", { url: request.url, reason: (error as Error).message });
    return reply.code(500).send({ error: "internal", message: "The request failed; see the engine's log." });
  });
  app.addHook("onRequest", accessCheck({ token: deps.token, loopback }));
  const stream = new EventStream(service.events);
  app.addHook("onClose", async () => stream.close());
  const origin = (request: { ip: string; headers: Record<string, unknown> }) => {
    const agent = request.headers["user-agent"];
    return { from: `api ${request.ip}`, ...(typeof agent === "string" ? { client: agent.slice(0, 80) } : {}) };
  };
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema };

  api.get(
    "/health",
    { schema: { summary: "Liveness: the process answers", response: { 200: z.object({ ok: z.literal(true) }) } } },
    async () => ({ ok: true as const }),
  );

  api.get(
    "/ready",
    {
      schema: {
        summary: "Readiness: preflight passed, the RPC answers, and the last head is recent",
        response: {
          200: z.object({ ready: z.boolean(), checks: z.record(z.string(), z.boolean()) }),
          503: z.object({ ready: z.boolean(), checks: z.record(z.string(), z.boolean()) }),
        },
      },
    },
    async (_request, reply) => {
      const s = service.status();
      const checks = {
        preflightPassed: s.preflightPassed,
        rpcReachable: s.rpc.reachable,
        headRecent: s.headAgeMs !== undefined && s.headAgeMs < READY_MAX_HEAD_AGE_MS,
      };
      const ready = Object.values(checks).every(Boolean);
      return reply.code(ready ? 200 : 503).send({ ready, checks });
    },
  );

  api.get(
    "/api/status",
    {
      schema: {
        summary: "Chain, head, executor, operator and runway, state, risk guard, counts since start",
        response: { 200: statusSchema },
      },
    },
    async () => statusView(service.status(), VERSION) as z.infer<typeof statusSchema>,
  );

  api.get(
    "/api/opportunities",
    {
      schema: {
        summary: "Recent opportunities with the funnel stage each reached and why it stopped",
        querystring: opportunitiesQuery,
        response: { 200: opportunitiesPage, ...errors },
      },
    },
    async (request) => {
      const q = request.query;
      const filter = {
        ...(q.chainId === undefined ? {} : { chainId: q.chainId }),
        ...(q.since === undefined ? {} : { since: q.since }),
      };
      const [page, funnel] = await Promise.all([
        records.page({
          ...filter,
          ...(q.afterId === undefined ? {} : { afterId: q.afterId }),
          limit: q.limit,
          // Following new ones (afterId): the oldest first, so that polling misses none.
          order: q.afterId === undefined ? "desc" : "asc",
        }),
        records.funnel(filter),
      ]);
      return { funnel, rows: page.rows.map(tradeView) };
    },
  );

  api.get(
    "/api/trades",
    {
      schema: {
        summary: "Trade history with filters, sorting and pages",
        querystring: tradesQuery,
        response: { 200: tradesPage, ...errors },
      },
    },
    async (request) => {
      const { status, count, ...rest } = request.query;
      const page = await records.page({
        ...dropUndefined(rest),
        ...(status === undefined ? {} : { status: status as never }),
        ...(count === "exact" ? {} : { countCap: TOTAL_CAP }),
      });
      const totalIsExact = count === "exact" || page.total <= TOTAL_CAP;
      return {
        total: Math.min(page.total, count === "exact" ? page.total : TOTAL_CAP),
        totalIsExact,
        rows: page.rows.map(tradeView),
      };
    },
  );

  api.get(
    "/api/trades/:id",
    {
      schema: {
        summary: "One trade by id, with its signed attempts",
        params: z.object({ id: z.coerce.number().int().positive() }),
        querystring: z.object({ chainId: z.coerce.number().int().positive().optional() }).strict(),
        response: {
          200: tradeSchema.extend({
            attempts: z.array(
              z.object({
                hash: z.string(),
                nonce: z.number(),
                maxFeePerGas: z.string(),
                maxPriorityFeePerGas: z.string(),
              }),
            ),
          }),
          404: errorSchema,
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const row = await records.get(request.params.id, request.query.chainId);
      if (row === undefined)
        return reply.code(404).send({ error: "not_found", message: `No trade ${request.params.id}.` });
      const attempts = (await records.attempts(row.id, request.query.chainId)).map((a) => ({
        hash: a.hash,
        nonce: a.nonce,
        maxFeePerGas: a.maxFeePerGas.toString(),
        maxPriorityFeePerGas: a.maxPriorityFeePerGas.toString(),
      }));
      return { ...tradeView(row), attempts };
    },
  );

  api.get(
    "/api/chains",
    {
      schema: {
        summary: "The chains the records hold, and the one this engine runs on",
        response: { 200: z.object({ chains: z.array(z.number()), engine: z.number().nullable() }) },
      },
    },
    async () => ({ chains: await records.chains(), engine: service.status().chainId ?? null }),
  );

  api.get(
    "/api/profit",
    {
      schema: {
        summary: "Realised profit per token and in dollars, net of gas, per day, week or month",
        querystring: profitQuery,
        response: { 200: profitSchema, ...errors },
      },
    },
    async (request) => ({
      period: request.query.period,
      buckets: (await records.profit(request.query.period, request.query.chainId)).map(profitView),
    }),
  );

  api.get(
    "/api/audit",
    {
      schema: {
        summary: "Control actions, configuration changes, risk trips, starts and stops: when and from where",
        querystring: auditQuery,
        response: { 200: auditPage, ...errors },
      },
    },
    async (request) => {
      const page = await records.auditPage(dropUndefined(request.query));
      return { total: page.total, rows: page.rows.map(auditView) };
    },
  );

  api.get(
    "/api/config",
    {
      schema: {
        summary: "The configuration in force, and which keys can change live",
        response: { 200: z.object({ config: z.record(z.string(), z.unknown()), liveKeys: z.array(z.string()) }) },
      },
    },
    async () => ({ config: publicConfig(service.config), liveKeys: [...LIVE_KEYS] }),
  );

  api.patch(
    "/api/config",
    {
      schema: {
        summary: "Change live limits (validated by the engine's schema; recorded in the audit log)",
        security: [{ bearer: [] }],
        body: configPatch,
        response: {
          200: z.object({
            changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
            config: z.record(z.string(), z.unknown()),
          }),
          ...errors,
        },
      },
    },
    async (request) => {
      const changes = service.updateConfig(request.body as Record<string, unknown>, origin(request));
      return { changes, config: publicConfig(service.config) };
    },
  );

  for (const action of ["pause", "resume"] as const)
    api.post(
      `/api/${action}`,
      {
        schema: {
          summary:
            action === "pause"
              ? "Stop sending trades (watching, sizing and simulating go on)"
              : "End an operator's pause (a trip of the risk guard stays: see /api/risk/reset)",
          security: [{ bearer: [] }],
          response: { 200: controlResult, ...errors },
        },
      },
      async (request) => {
        const changed = action === "pause" ? service.pause(origin(request)) : service.resume(origin(request));
        return { changed, state: service.status().state };
      },
    );

  api.post(
    "/api/risk/reset",
    {
      schema: {
        summary:
          "Clear a trip of the risk guard (consecutive failures, the daily loss limit) before it clears itself; a pause stays",
        security: [{ bearer: [] }],
        response: { 200: controlResult, ...errors },
      },
    },
    async (request) => ({ changed: service.resetRisk(origin(request)), state: service.status().state }),
  );

  api.get(
    "/api/owner-actions",
    {
      schema: {
        summary: "The owner's actions as exact unsigned transactions (never sent by the engine)",
        response: { 200: ownerActionsSchema },
      },
    },
    async () => {
      const s = service.status();
      const { owner, actions } = await ownerActions(service.provider, s.executor, deps.book, deps.symbols);
      return {
        owner,
        executor: s.executor,
        chainId: s.chainId ?? deps.book.chainId,
        actions,
        note: "Sign these with the owner's wallet (a hardware wallet or a multisig); the engine holds no owner key and sends none of them.",
      };
    },
  );

  app.get(
    "/api/stream",
    { schema: { summary: "Server-sent events: block, opportunity, trade, risk, control, rpc, runway" } },
    (request, reply) => {
      stream.attach(request, reply);
    },
  );

  app.get("/metrics", { schema: { summary: "Prometheus metrics" } }, async (_request, reply) => {
    reply.header("content-type", deps.metrics.contentType);
    return deps.metrics.text();
  });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  if (existsSync(WEB_ROOT)) await app.register(fastifyStatic, { root: WEB_ROOT, prefix: "/" });
  else
    app.get("/", { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type("text/plain")
        .send("The dashboard is not built: run `npm run build`. The API is under /api (see /openapi.json)."),
    );
  return { app, stream };
}

/** `o` without its undefined values (the records' filters treat absent and undefined alike, the types do not). */
function dropUndefined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}

/** Builds the API and listens; returns its URL and how to close it. */
export async function startApi(
  deps: ApiDeps,
  port: number,
): Promise<{ url: string; close(): Promise<void>; app: FastifyInstance }> {
  const { app } = await buildApi(deps);
  try {
    await app.listen({ host: deps.host, port });
  } catch (cause) {
    throw new BaseError(`The API cannot listen on ${deps.host}:${port}.`, {
      details: `${(cause as Error).message}. Another engine or program may use the port: set apiPort (0 takes any free port) or apiEnabled false.`,
      cause,
    });
  }
  const address = app.server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  const host = deps.host.includes(":") ? `[${deps.host}]` : deps.host;
  return { url: `http://${host}:${bound}`, app, close: () => app.close() };
}
