/**
 * `npm run -s config:docs`: prints the markdown table of every environment variable of every
 * process, generated from the config specs (each component's config.ts), for the README.
 */
import { configDocsMarkdown } from '../common/config/index';
import { loadConfigSpecs } from './config-specs';

process.stdout.write(`${configDocsMarkdown(await loadConfigSpecs())}\n`);
