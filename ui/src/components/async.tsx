import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { useI18n } from '../i18n/index';

export type Async<T> =
  { state: 'loading' } | { state: 'error'; error: unknown } | { state: 'done'; value: T };

/**
 * Runs `load` whenever `deps` change; a late answer for old deps is dropped. The request goes out
 * right after the render that needs it (a layout effect), not a frame later: the overview's requests
 * come in rounds (entities, summaries, trends) and each round would otherwise wait for a paint.
 */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [result, setResult] = useState<Async<T>>({ state: 'loading' });
  useLayoutEffect(() => {
    let live = true;
    setResult((r) => (r.state === 'loading' ? r : { state: 'loading' }));
    load().then(
      (value) => live && setResult({ state: 'done', value }),
      (error: unknown) => live && setResult({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return result;
}

export function ErrorText({ error }: { error: unknown }) {
  const { t } = useI18n();
  const detail = error instanceof Error ? error.message : String(error);
  const key = error instanceof ApiError && error.status === 403 ? 'common.forbidden' : 'common.error';
  return (
    <p class="error" role="alert">
      {t(key, { detail })}
    </p>
  );
}

/** Loading text, the error, or the children once the value is there. */
export function Show<T>({
  result,
  children,
}: {
  result: Async<T>;
  children: (value: T) => ComponentChildren;
}) {
  const { t } = useI18n();
  if (result.state === 'loading')
    return (
      <p class="muted" aria-busy="true">
        {t('common.loading')}
      </p>
    );
  if (result.state === 'error') return <ErrorText error={result.error} />;
  return <>{children(result.value)}</>;
}
