/** Maps `./x.js` imports of TypeScript files to `./x.ts`, for running the sources unbuilt. */
export function registerTsResolution(): void;
