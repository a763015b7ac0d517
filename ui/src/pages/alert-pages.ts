/** The alert pages, loaded as one chunk on demand (see main.tsx). */
export { AlertPage, Alerts } from './alerts';
export { Rules } from './rules';
