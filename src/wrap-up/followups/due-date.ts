/**
 * When a commitment is due. `day` precision means "some time that day" (a weekday, a number of
 * days): the time is a working-hours default and a message to the customer names only the date.
 */
export interface Due {
  at: Date;
  precision: 'day' | 'time';
}

export const dayMs = 86_400_000;

export function startOfDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** Business days skip weekends: 7 business days from a Sunday is the Tuesday after next. */
export function addBusinessDays(day: Date, count: number): Date {
  let date = day;
  for (let added = 0; added < count;) {
    date = new Date(date.getTime() + dayMs);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) added++;
  }
  return date;
}

export function atHour(day: Date, hour: number, minute = 0): Date {
  return new Date(day.getTime() + hour * 3_600_000 + minute * 60_000);
}
