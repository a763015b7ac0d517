/**
 * The dashboard shell: sign-in gate, header (navigation, language, theme, sign-out) and the page of
 * the current route. Focus moves to the page heading on every navigation, so keyboard and screen
 * reader users start at the new content.
 */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { alertsAvailable, resetOffered, setUnauthorizedHandler } from './api';
import { clearCredential, loadCredential } from './auth';
import { I18nContext, initialLang, LANGS, makeI18n, saveLang, type Lang } from './i18n/index';
import type { MessageKey } from './i18n/en';
import { DocumentPage } from './pages/document';
import { Mentions } from './pages/mentions';
import { Overview } from './pages/overview';
import { Search } from './pages/search';
import { SignIn } from './pages/signin';
import { Trends } from './pages/trends';
import { href, navigate, useRoute, type PageId, type Route } from './router';
import { applyTheme, initialTheme, type Theme } from './theme';
import './styles.css';

/**
 * The pages in the navigation. Alerts only where the API offers them: a deployment without the
 * alert service answers 503 there (an older API 404), and then the dashboard shows nothing of them.
 */
const NAV: Array<{ page: PageId; label: MessageKey; alerts?: true }> = [
  { page: 'overview', label: 'nav.overview' },
  { page: 'trends', label: 'nav.trends' },
  { page: 'mentions', label: 'nav.mentions' },
  { page: 'search', label: 'nav.search' },
  { page: 'alerts', label: 'nav.alerts', alerts: true },
];

/** The navigation entry a page belongs to (one alert and the rules are part of Alerts). */
const SECTION: Partial<Record<PageId, PageId>> = { alert: 'alerts', rules: 'alerts' };

/**
 * The alert pages are a chunk of their own, so the overview's first load does not carry them; it is
 * fetched once the API says alerts exist, before anyone opens them.
 */
let loadedAlertPages: typeof import('./pages/alert-pages') | undefined;
const alertPages = () =>
  import('./pages/alert-pages').then((m) => {
    loadedAlertPages = m;
    return m;
  });

function lazyAlertPage(name: 'Alerts' | 'AlertPage' | 'Rules') {
  return function AlertPageLoader({ route }: { route: Route }) {
    const [pages, setPages] = useState(loadedAlertPages);
    useEffect(() => {
      if (!pages) void alertPages().then(setPages);
    }, []);
    if (!pages) return <p class="muted" aria-busy="true" />;
    const Page = pages[name];
    return <Page route={route} />;
  };
}

const PAGES: Record<Exclude<PageId, 'signin'>, (p: { route: Route }) => preact.JSX.Element> = {
  overview: Overview,
  trends: Trends,
  mentions: Mentions,
  document: DocumentPage,
  search: Search,
  alerts: lazyAlertPage('Alerts'),
  alert: lazyAlertPage('AlertPage'),
  rules: lazyAlertPage('Rules'),
};

function App() {
  const route = useRoute();
  const [lang, setLang] = useState<Lang>(initialLang);
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [signedIn, setSignedIn] = useState(() => Boolean(loadCredential()));
  const [expired, setExpired] = useState(false);
  const [alerts, setAlerts] = useState(false);
  const i18n = useMemo(() => makeI18n(lang), [lang]);
  useEffect(() => {
    setAlerts(false);
    if (!signedIn) return;
    let live = true;
    void alertsAvailable().then((yes) => {
      if (yes) void alertPages();
      if (live) setAlerts(yes);
    });
    return () => {
      live = false;
    };
  }, [signedIn]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      clearCredential();
      resetOffered();
      setExpired(true);
      setSignedIn(false);
    });
  }, []);
  useEffect(() => saveLang(lang), [lang]);
  useEffect(() => {
    document.title = `${signedIn ? i18n.t(navLabel(route.page)) : i18n.t('signIn.title')} · ${i18n.t('app.name')}`;
  }, [route, signedIn, lang]);
  // After a navigation (not on the first load, where the skip link comes first).
  const firstLoad = useRef(true);
  useEffect(() => {
    if (firstLoad.current) {
      firstLoad.current = false;
      return;
    }
    document.getElementById('page-title')?.focus();
  }, [route, signedIn]);

  const signOut = () => {
    clearCredential();
    resetOffered();
    setExpired(false);
    setSignedIn(false);
    navigate('#/signin');
  };
  const Page = PAGES[route.page === 'signin' ? 'overview' : route.page];
  return (
    <I18nContext.Provider value={i18n}>
      <a class="skip" href="#main" onClick={skipToMain}>
        {i18n.t('app.skip')}
      </a>
      <header class="top">
        <a class="brand" href={href('overview')}>
          {i18n.t('app.name')}
        </a>
        {signedIn && (
          <nav aria-label={i18n.t('nav.label')}>
            <ul>
              {NAV.filter((n) => !n.alerts || alerts).map((n) => (
                <li key={n.page}>
                  <a
                    href={href(n.page)}
                    aria-current={
                      route.page === n.page ? 'page' : SECTION[route.page] === n.page ? 'true' : undefined
                    }
                  >
                    {i18n.t(n.label)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="tools">
          <label class="lang">
            <span class="visually-hidden">{i18n.t('header.language')}</span>
            <select
              value={lang}
              onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as Lang)}
            >
              {(Object.keys(LANGS) as Lang[]).map((l) => (
                <option key={l} value={l} lang={l}>
                  {LANGS[l].label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            class="theme-toggle"
            aria-pressed={theme === 'dark'}
            onClick={() => {
              const next = theme === 'dark' ? 'light' : 'dark';
              applyTheme(next, true);
              setTheme(next);
            }}
          >
            {i18n.t('header.theme.dark')}
          </button>
          {signedIn && (
            <button type="button" onClick={signOut}>
              {i18n.t('header.signOut')}
            </button>
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {signedIn ? (
          <Page route={route} />
        ) : (
          <SignIn
            expired={expired}
            onSignedIn={() => {
              setExpired(false);
              setSignedIn(true);
              if (route.page === 'signin') navigate(href('overview'));
            }}
          />
        )}
      </main>
    </I18nContext.Provider>
  );
}

function navLabel(page: PageId): MessageKey {
  const labels: Record<PageId, MessageKey> = {
    signin: 'signIn.title',
    overview: 'nav.overview',
    trends: 'nav.trends',
    mentions: 'nav.mentions',
    search: 'nav.search',
    document: 'document.title',
    alerts: 'nav.alerts',
    alert: 'alert.title',
    rules: 'rules.title',
  };
  return labels[page];
}

/** The skip link moves focus without changing the hash (the hash is the route). */
function skipToMain(e: Event) {
  e.preventDefault();
  document.getElementById('main')?.focus();
}

// The theme before the first paint (a dark page would otherwise flash light); the toggle applies later changes.
applyTheme(initialTheme(), false);
render(<App />, document.getElementById('app')!);
