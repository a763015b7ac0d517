import { eld } from 'eld/medium';

export interface LanguageResult {
  /** ISO 639-1 code, lower case. */
  readonly language: string;
  /** Where the answer came from: the producer's hint, the detector, or the configured fallback. */
  readonly method: 'hint' | 'detected' | 'fallback';
}

// A hint is used when it is a well-formed BCP 47 tag; only its primary subtag matters here.
const TAG = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/i;

export class LanguageDetector {
  /** @param fallback language assumed when text is too short or ambiguous to tell (e.g. "ok"). */
  constructor(private readonly fallback: string) {}

  detect(text: string, hint?: string | null): LanguageResult {
    const tagged = hint ? TAG.exec(hint.trim()) : null;
    if (tagged) return { language: tagged[1]!.toLowerCase(), method: 'hint' };
    const result = eld.detect(text);
    if (result.language && result.isReliable()) return { language: result.language, method: 'detected' };
    return { language: this.fallback, method: 'fallback' };
  }
}
