/** scripts/defer-stand-ins.mjs, typed for its tests. */
export function deferStandIns(
  code: string,
  map: string | undefined,
  options?: { callsDeferred?: string[] },
): { code: string; map: string | undefined };
export function checkChunk(file: string, code: string): void;
