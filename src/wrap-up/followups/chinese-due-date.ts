import { chineseNumberValue, chineseNumeral } from '../../text/chinese-digits.js';
import { addBusinessDays, atHour, dayMs, startOfDay, type Due } from './due-date.js';

const number = `(\\d+|${chineseNumeral})`;
// "故障超过二十四小时会自动补偿" states a condition, not when something is due.
// "3到5个工作日内", "三至五个工作日", "24小时内", "两周内", "三天内". A range is kept by its
// latest bound. Bare "日" and "月" are not units: "12月11日" is a date, not a duration.
const durationPattern = new RegExp(
  `(?<!超过|超出|满|以上|[\\d零〇一二两三四五六七八九十百千])(?:${number}\\s*(?:到|至|-|~|－|—)\\s*)?${number}\\s*(个月|个?\\s*(?:工作日|天|小时|钟头|分钟|周|星期|礼拜))`,
);
const halfHour = /半(?:个)?小时/;
const later = /稍后|待会|一会儿|过会儿/;
const weekdayNames = '日天一二三四五六';
const nextWeekDay = /下(?:个)?(?:周|星期|礼拜)([日天一二三四五六])/;
const thisWeekDay = /(?:周|星期|礼拜)([日天一二三四五六])/;
const clock = new RegExp(
  `(上午|早上|中午|下午|傍晚|晚上)?\\s*(\\d{1,2}|${chineseNumeral})\\s*(?:点钟?|[:：])\\s*(半|\\d{1,2}|${chineseNumeral})?`,
);
const periodHours: [RegExp, number][] = [
  [/上午|早上|明早/, 9],
  [/中午/, 12],
  [/下午/, 14],
  [/傍晚|晚上|今晚|明晚/, 19],
];

/** The hour a sentence names ("下午3点" → 15:00), or its part of day, or `fallback`. */
function timeOfDay(
  text: string,
  fallback: number,
): { hour: number; minute: number; exact: boolean } {
  const found = clock.exec(text);
  const period = found?.[1] ?? '';
  const hour = found ? chineseNumberValue(found[2]!) : null;
  // "快一点" is "a bit faster": a Chinese numeral before 点 is a time only with a part of day.
  if (found && hour !== null && hour <= 24 && (period !== '' || /\d/.test(found[2]!))) {
    const minutes = found[3] === '半' ? 30 : found[3] ? (chineseNumberValue(found[3]) ?? 0) : 0;
    const afternoon = /下午|傍晚|晚上/.test(period) && hour < 12;
    return { hour: hour + (afternoon ? 12 : 0), minute: minutes, exact: true };
  }
  const part = periodHours.find(([pattern]) => pattern.test(text));
  return { hour: part?.[1] ?? fallback, minute: 0, exact: false };
}

function onDay(day: Date, text: string, fallbackHour: number): Due {
  const time = timeOfDay(text, fallbackHour);
  return { at: atHour(day, time.hour, time.minute), precision: time.exact ? 'time' : 'day' };
}

function weekdayIndex(name: string): number {
  return name === '天' ? 0 : weekdayNames.indexOf(name) - 1;
}

/** Resolves 3到5个工作日, 明天下午, 下周三, 三天内, 月底前, 24小时内, 稍后 against `now` (UTC). */
export function resolveChineseDue(text: string, now: Date): Due | null {
  const day = startOfDay(now);
  const duration = durationPattern.exec(text);
  if (duration) {
    const count = chineseNumberValue(duration[2]!) ?? 1;
    const unit = duration[3]!.replace(/^个\s*(?!月)/, '');
    if (unit === '小时' || unit === '钟头' || unit === '分钟') {
      const ms = count * (unit === '分钟' ? 60_000 : 3_600_000);
      return { at: new Date(now.getTime() + ms), precision: 'time' };
    }
    const days =
      unit === '天' ? count : unit === '个月' ? count * 30 : unit === '工作日' ? 0 : count * 7;
    const target =
      unit === '工作日' ? addBusinessDays(day, count) : new Date(day.getTime() + days * dayMs);
    return { at: atHour(target, 17), precision: 'day' };
  }
  if (halfHour.test(text)) return { at: new Date(now.getTime() + 1_800_000), precision: 'time' };
  if (/后天/.test(text)) return onDay(new Date(day.getTime() + 2 * dayMs), text, 9);
  if (/明天|明早|明晚|明日/.test(text)) return onDay(new Date(day.getTime() + dayMs), text, 9);
  if (/今天|今晚|今日|下班前/.test(text)) return onDay(day, text, 17);
  const nextWeek = nextWeekDay.exec(text);
  if (nextWeek) {
    // Chinese weeks run Monday to Sunday: 下周三 is the Wednesday of the week after this one.
    const isoToday = now.getUTCDay() === 0 ? 7 : now.getUTCDay();
    const isoTarget = weekdayIndex(nextWeek[1]!) === 0 ? 7 : weekdayIndex(nextWeek[1]!);
    return onDay(new Date(day.getTime() + (7 - isoToday + isoTarget) * dayMs), text, 9);
  }
  const weekday = thisWeekDay.exec(text);
  if (weekday) {
    const ahead = (weekdayIndex(weekday[1]!) - now.getUTCDay() + 7) % 7 || 7;
    return onDay(new Date(day.getTime() + ahead * dayMs), text, 9);
  }
  if (/下(?:个)?(?:周|星期|礼拜)/.test(text))
    return onDay(new Date(day.getTime() + 7 * dayMs), text, 9);
  if (/月底|月末/.test(text)) {
    const lastDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0));
    return { at: atHour(lastDay, 17), precision: 'day' };
  }
  const nextMonth = new RegExp(`下(?:个)?月${number}[日号]`).exec(text);
  const nextMonthDay = nextMonth ? chineseNumberValue(nextMonth[1]!) : null;
  if (nextMonthDay !== null && nextMonthDay >= 1 && nextMonthDay <= 31)
    return onDay(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, nextMonthDay)),
      text,
      9,
    );
  const date = new RegExp(`${number}月${number}[日号]`).exec(text);
  if (date) {
    const month = chineseNumberValue(date[1]!);
    const dayOfMonth = chineseNumberValue(date[2]!);
    if (month !== null && dayOfMonth !== null && month >= 1 && month <= 12)
      return onDay(new Date(Date.UTC(now.getUTCFullYear(), month - 1, dayOfMonth)), text, 9);
  }
  // "三号左右": a day of the month alone is the next such day.
  const dayOnly = new RegExp(`(?<![月\\d零〇一二两三四五六七八九十])${number}号`).exec(text);
  const dayNumber = dayOnly ? chineseNumberValue(dayOnly[1]!) : null;
  if (dayNumber !== null && dayNumber >= 1 && dayNumber <= 31) {
    const month = now.getUTCMonth() + (dayNumber < now.getUTCDate() ? 1 : 0);
    return onDay(new Date(Date.UTC(now.getUTCFullYear(), month, dayNumber)), text, 9);
  }
  // "稍后回电" on a call means within the same working session; two hours keeps the task due
  // the same day, so it shows as overdue if nobody called back.
  if (later.test(text)) return { at: new Date(now.getTime() + 2 * 3_600_000), precision: 'time' };
  return null;
}

/** "2026年12月11日（周五）", with " 14:00 UTC" when a time was said. */
export function formatChineseDue(due: Due): string {
  const at = due.at;
  const date = `${at.getUTCFullYear()}年${at.getUTCMonth() + 1}月${at.getUTCDate()}日（周${'日一二三四五六'[at.getUTCDay()]}）`;
  return due.precision === 'day' ? date : `${date} ${at.toISOString().slice(11, 16)} UTC`;
}
