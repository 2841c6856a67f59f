// `node --import ./bench/ts-hook.mjs file.ts`: runs the TypeScript sources unbuilt.
import { registerTsResolution } from '../examples/resolve-ts.mjs';

registerTsResolution();
