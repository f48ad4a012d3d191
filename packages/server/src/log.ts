/**
 * Logging: pino, the logger Fastify is built around. The server makes one logger (in the composition
 * root) and hands it to Fastify, which gives every request a child logger carrying its request id
 * (`reqId`); the rest of the code logs through the `Logger` shape below.
 */
import { createRequire } from 'node:module';
import { pino } from 'pino';
import type PinoPretty from 'pino-pretty';

/** What the server's code needs of a logger (pino's loggers have it; so does `silentLogger`). */
export interface Logger {
  error(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `json`: one JSON object a line; `pretty`: readable lines; `auto`: pretty on a terminal, else JSON. */
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go (default: standard output). */
  stream?: NodeJS.WritableStream;
}

/** A pino logger writing to standard output (or `stream`) in the format asked for. */
export function createLogger(opts: LoggerOptions): pino.Logger {
  const tty = ((opts.stream ?? process.stdout) as { isTTY?: boolean }).isTTY === true;
  if (opts.format === 'pretty' || (opts.format === 'auto' && tty)) {
    // Loaded only for a terminal or when asked for: servers writing JSON have no use for it.
    const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    const pretty = pinoPretty({
      destination: opts.stream ?? 1,
      sync: true,
      colorize: tty,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    return pino({ level: opts.level }, pretty);
  }
  return opts.stream ? pino({ level: opts.level }, opts.stream) : pino({ level: opts.level });
}

/** A logger that writes nothing (tools and tests that do not want log lines). */
export const silentLogger: Logger = pino({ level: 'silent' });
