import { AppError } from './app-error.js';

/** Year 9999: the last millisecond a JavaScript Date (and an ISO string) can hold. */
export const MAX_TIME_MS = 253_402_300_799_999;

/** A time in epoch milliseconds the service can store and render, or validation_failed naming the field. */
export function assertTimeMs(value: number, field: string): void {
  if (!(Number.isSafeInteger(value) && value >= 0 && value <= MAX_TIME_MS))
    throw new AppError('validation_failed', `${field} (${value}) is not a time in epoch milliseconds`);
}
