#!/usr/bin/env node
import './sourcemap-register.cjs';var a={};async function main(){await Promise.resolve();process.stdout.write("gatepass\n")}void main();
//# sourceMappingURL=index.js.map