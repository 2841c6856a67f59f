// Lets Node run this repository's TypeScript directly (type stripping): the
// sources import each other as "./x.js", as the tsconfig requires, and the
// file on disk is x.ts. Plain JavaScript, so it loads before the hook exists.
import { registerHooks } from 'node:module';

export function registerTsResolution() {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      if (/^\.\.?\/.*\.js$/.test(specifier) && context.parentURL?.endsWith('.ts') === true) {
        return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      }
      return nextResolve(specifier, context);
    },
  });
}
