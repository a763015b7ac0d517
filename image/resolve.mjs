// Lets Node resolve the project's extensionless relative imports ('../config/index'), which the
// TypeScript sources use and esbuild keeps when it transpiles each file in place: a relative
// specifier without an extension is tried as `<specifier>.js`, then `<specifier>/index.js`.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (!/^\\.{1,2}\\//.test(specifier) || /\\.(m?js|json|node)$/.test(specifier)) return next(specifier, context);
  try {
    return await next(specifier + '.js', context);
  } catch {
    return next(specifier + '/index.js', context);
  }
}`),
  import.meta.url,
);
