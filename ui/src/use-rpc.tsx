/** Loads one RPC result for a page, with its error and a reload; shows errors the same way everywhere. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Gateway } from './gateway.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload(): void;
}

export function useRpc<T>(gateway: Gateway, method: string, params?: unknown): Loaded<T> {
  const [data, setData] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const key = JSON.stringify(params ?? null);
  const reload = useCallback(() => {
    if (!gateway.has(method)) {
      setError(`This gateway has no "${method}" method (is its plugin loaded?).`);
      setLoading(false);
      return;
    }
    setLoading(true);
    gateway.request<T>(method, params).then(
      (payload) => {
        setData(payload);
        setError(undefined);
      },
      (failure: Error) => setError(failure.message),
    ).finally(() => setLoading(false));
  }, [gateway, method, key]);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}

export function Problem({ text }: { text: string | undefined }) {
  return text ? <p class="error" role="alert">{text}</p> : null;
}

export interface PageProps {
  gateway: Gateway;
}
