import { useState } from 'preact/hooks';
import { api, type Params } from '../api';
import { useI18n } from '../i18n/index';
import { ErrorText } from './async';

/** Downloads the mentions of the current view as CSV from GET /v1/export/mentions. */
export function ExportButton({ params }: { params: Params }) {
  const { t } = useI18n();
  const [state, setState] = useState<{ busy: boolean; done?: string; error?: unknown }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      const blob = await api.exportCsv(params);
      const file = `mentions-${new Date().toISOString().slice(0, 10)}.csv`;
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = file;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ busy: false, done: file });
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <div class="export">
      <button type="button" onClick={run} disabled={state.busy}>
        {state.busy ? t('export.busy') : t('export.csv')}
      </button>
      <span role="status" class="muted">
        {state.done ? t('export.done', { file: state.done }) : ''}
      </span>
      {state.error !== undefined && <ErrorText error={state.error} />}
    </div>
  );
}
