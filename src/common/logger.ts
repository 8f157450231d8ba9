// The process logger (pino). Components take a child logger so every line names its source.
import { pino, type Logger } from 'pino'

export type { Logger }

export function createLogger (level: string): Logger {
  return pino({ level, base: { service: 'skiff' } })
}

export const silentLogger: Logger = pino({ level: 'silent' })
