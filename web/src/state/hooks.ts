import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { asApiError, type ApiError } from "../api/errors";

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/** The result of `load`, run again whenever `deps` change or on reload(). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!live) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (!live) return;
        setError(asApiError(failure));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, loading, reload, setData };
}

/** Calls `tick` every `intervalMs` while `active`, one call at a time. */
export function usePolling(tick: () => Promise<void>, intervalMs: number, active: boolean): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    if (!active) return undefined;
    let stopped = false;
    let timer: number | undefined;
    const run = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = window.setTimeout(run, intervalMs);
      }
    };
    timer = window.setTimeout(run, intervalMs);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [active, intervalMs]);
}

/** useLoad's record, loaded again every `intervalMs` while `changing(record)`: a job or
 * batch followed until it ends. A failed refresh is tried again at the next tick. */
export function useLiveLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  intervalMs: number,
  changing: (record: T) => boolean,
): Loaded<T> {
  const loaded = useLoad(load, deps);
  usePolling(
    async () => {
      try {
        loaded.setData(await load());
      } catch {
        // Tried again at the next tick.
      }
    },
    intervalMs,
    loaded.data !== null && changing(loaded.data),
  );
  return loaded;
}

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<void>;
  pending: boolean;
  error: ApiError | null;
  clear: () => void;
}

/** A button's action: its pending state and its error, for one thing done at a time. */
export function useAction<A extends unknown[]>(act: (...args: A) => Promise<void>): Action<A> {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (...args: A) => {
    setPending(true);
    setError(null);
    try {
      await act(...args);
    } catch (failure) {
      setError(asApiError(failure));
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, clear: () => setError(null) };
}

/** One page of a list the API answers page by page, and the cursor of the next (if any). */
export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export interface Pages<T> {
  items: T[]; // every page loaded so far, in order
  first: Loaded<Page<T>>;
  loadMore: Action<[]>;
  hasMore: boolean;
}

/** A list loaded page by page: the first page whenever `deps` change or on reload(),
 * the next ones on loadMore.run(). */
export function usePages<T>(
  load: (cursor: string | null) => Promise<Page<T>>,
  deps: unknown[],
): Pages<T> {
  const [more, setMore] = useState<Page<T> | null>(null);
  const first = useLoad(() => {
    setMore(null);
    return load(null);
  }, deps);
  const cursor = more ? more.cursor : (first.data?.cursor ?? null);
  const loadMore = useAction(async () => {
    if (!cursor) return;
    const page = await load(cursor);
    setMore({ items: [...(more?.items ?? []), ...page.items], cursor: page.cursor });
  });
  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  return { items, first, loadMore, hasMore: cursor !== null };
}
