import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { saveCredential, type CredentialKind } from '../auth';
import { useI18n } from '../i18n/index';

export function SignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn: () => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<CredentialKind>('apiKey');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    const v = value.trim();
    if (!v) {
      setError(t('signIn.empty'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api.check({ kind, value: v });
      saveCredential({ kind, value: v });
      setValue('');
      onSignedIn();
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      setError(
        err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? t('signIn.rejected', { detail })
          : t('common.error', { detail }),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="signin card" aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1}>
        {t('signIn.title')}
      </h1>
      {expired && (
        <p class="notice" role="status">
          {t('signIn.expired')}
        </p>
      )}
      <p class="muted">{t('signIn.intro')}</p>
      <form onSubmit={submit} noValidate>
        <fieldset>
          <legend>{t('signIn.kind')}</legend>
          {(['apiKey', 'bearer'] as const).map((k) => (
            <label key={k} class="radio">
              <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />
              {t(k === 'apiKey' ? 'signIn.kind.apiKey' : 'signIn.kind.bearer')}
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="credential">{t('signIn.value')}</label>
          <input
            id="credential"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={value}
            onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'signin-error' : undefined}
          />
        </div>
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? t('signIn.checking') : t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
