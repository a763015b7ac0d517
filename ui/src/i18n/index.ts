/**
 * Message catalogues and locale-aware formatting. Every visible string comes from a catalogue;
 * numbers, percentages and dates go through Intl for the chosen language.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type MessageKey } from './en';
import { ko } from './ko';

export type Lang = 'en' | 'ko';
export const LANGS: Record<Lang, { label: string; messages: Record<MessageKey, string> }> = {
  en: { label: 'English', messages: en },
  ko: { label: '한국어', messages: ko },
};
const STORAGE_KEY = 'aspect-stream.lang';

/** The saved choice, else the browser's first language we have, else English. */
export function initialLang(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'ko') return saved;
  for (const l of navigator.languages ?? [navigator.language]) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ko' || base === 'en') return base;
  }
  return 'en';
}

export function saveLang(lang: Lang): void {
  localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
}

export interface I18n {
  lang: Lang;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  num(n: number): string;
  pct(share: number): string;
  signed(n: number): string;
  date(iso: string | Date): string;
  dateTime(iso: string | Date): string;
}

export function makeI18n(lang: Lang): I18n {
  const messages = LANGS[lang].messages;
  const num = new Intl.NumberFormat(lang);
  const pct = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 0 });
  const signed = new Intl.NumberFormat(lang, {
    signDisplay: 'exceptZero',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    lang,
    t(key, params) {
      const text = messages[key] ?? en[key];
      return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m)) : text;
    },
    num: (n) => num.format(n),
    pct: (s) => pct.format(s),
    signed: (n) => signed.format(n),
    date: (d) => date.format(new Date(d)),
    dateTime: (d) => dateTime.format(new Date(d)),
  };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));
export const useI18n = (): I18n => useContext(I18nContext);
