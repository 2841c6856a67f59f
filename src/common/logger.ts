/**
 * Where gatepass's own messages go. Platforms implement it (`::warning::` on
 * GitHub, stderr elsewhere); pure modules receive it so they never need to know
 * which CI they run in. Nothing passed here may contain a secret value.
 */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
}

/** A logger that drops everything, for callers that do not want messages. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warning: () => undefined,
};
