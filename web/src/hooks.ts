import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, get, type Params, streamUrl, withQuery } from "./api";

/**
 * A read that reloads when its path, its parameters or `version` change. One request at a time:
 * a change while one is out asks again once it is back (so a busy engine is not sent a pile of
 * requests, and an answer is never thrown away for being overtaken); an answer for parameters
 * no longer shown is dropped. The last data stays while it reloads.
 */
export function useApi<T>(
  path: string,
  params: Params,
  version: number,
): { data: T | undefined; error: string | undefined } {
  const key = withQuery(path, params);
  const [state, setState] = useState<{ data: T | undefined; error: string | undefined }>({
    data: undefined,
    error: undefined,
  });
  const wanted = useRef(key);
  wanted.current = key;
  const flight = useRef({ out: false, again: false });
  // `version` is not read inside: it is the signal to read again.
  useEffect(() => {
    const load = () => {
      if (flight.current.out) {
        flight.current.again = true;
        return;
      }
      flight.current.out = true;
      const asked = wanted.current;
      get<T>(asked)
        .then(
          (data) => asked === wanted.current && setState({ data, error: undefined }),
          (error: unknown) => asked === wanted.current && setState((s) => ({ data: s.data, error: errorText(error) })),
        )
        .finally(() => {
          flight.current.out = false;
          if (flight.current.again) {
            flight.current.again = false;
            load();
          }
        });
    };
    load();
  }, [key, version]);
  return state;
}

/** An error as the page shows it: the server's message, then its details. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError)
    return error.details === undefined ? error.message : `${error.message} ${error.details}`;
  return error instanceof Error ? error.message : String(error);
}

/** The events the stream sends, by name. */
export const STREAM_EVENTS = ["block", "opportunity", "trade", "risk", "control", "rpc", "runway"] as const;
export type StreamEventName = (typeof STREAM_EVENTS)[number];

/**
 * Follows the engine's live stream; `onEvent` gets each event's name and data. Returns whether
 * the stream is connected (the browser reconnects by itself after a loss).
 */
export function useStream(onEvent: (name: StreamEventName, data: unknown) => void): boolean {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const source = new EventSource(streamUrl());
    source.onopen = () => setOpen(true);
    source.onerror = () => setOpen(source.readyState === EventSource.OPEN);
    for (const name of STREAM_EVENTS)
      source.addEventListener(name, (event) => handler.current(name, JSON.parse((event as MessageEvent<string>).data)));
    return () => source.close();
  }, []);
  return open;
}
