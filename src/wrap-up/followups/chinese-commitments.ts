import {
  chineseNumberValue,
  chineseNumeral,
  splitChineseSentences,
  splitClauses,
  toSimplified,
} from '../text/chinese.js';
import type { Commitment, CommitmentTurn } from './commitments.js';
import { addBusinessDays, atHour, dayMs, startOfDay, type Due } from './due-date.js';

// A statement about the future: "会"/"将" (not 会员, 不会, 机会, 将军), "稍后", "尽快", "预计"…
const promiseCue =
  /(?<![不机社学])会(?![员议])|将(?!军)|稍后|待会|一会儿|过会儿|尽快|马上|预计|保证|承诺|争取|安排|一定/;
const refundWords = /退款|退回|退还|返还|退费|补偿|赔偿|到账|返现|冲正/;
const kinds: [Commitment['kind'], RegExp][] = [
  [
    'callback',
    /回电|回拨|回覆|打(?:个|一个|一通)?电话|回复您|致电|给您打电话|打电话给您|打给您|给您回|联系您|与您联系|跟您联系|跟进/,
  ],
  ['refund', refundWords],
  ['delivery', /寄(?!存)|送到|送过去|送来|送货|发货|送达|配送|快递|补发/],
  ['send', /发送|发给您|发到您|短信|邮件|发您/],
  ['escalation', /升级|主管|经理|专员|工程师|技术人员|师傅|上报|转交|上门/],
];
const referringBack = /^(?:他们|他|她|对方|相关部门|同事|专员|那边)/;
const conditionStart = /^(?:如果|要是|万一|假如|若是?|一旦)/;
const connective = /^(?:并且|而且|然后|另外|同时|还有|并)/;
const money = new RegExp(
  `[¥￥]\\s*\\d+(?:\\.\\d+)?|(?:\\d+(?:\\.\\d+)?|${chineseNumeral})\\s*(?:元|块钱|块)`,
  'g',
);

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
function formatChineseDue(due: Due): string {
  const at = due.at;
  const date = `${at.getUTCFullYear()}年${at.getUTCMonth() + 1}月${at.getUTCDate()}日（周${'日一二三四五六'[at.getUTCDay()]}）`;
  return due.precision === 'day' ? date : `${date} ${at.toISOString().slice(11, 16)} UTC`;
}

function chineseDraft(
  kind: Commitment['kind'],
  due: Due | null,
  amounts: readonly string[],
  /** The promise as said: a visit ("工程师会上门") or compensation ("补偿") is named as such. */
  sentence = '',
): string {
  const visit = /上门/.test(sentence);
  const credit = /补偿|赔偿/.test(sentence) ? '补偿' : '退款';
  const by = due ? `于${formatChineseDue(due)}前` : '尽快';
  switch (kind) {
    case 'callback':
      return `我们将${by}回电给您。`;
    case 'refund': {
      const amount = amounts.length > 0 ? `（${amounts.join('、')}）` : '';
      return `您的${credit}${amount}已提交，预计${due ? `${formatChineseDue(due)}前` : '近期'}到账。`;
    }
    case 'delivery':
      return `您的物品正在安排寄送，预计${due ? `${formatChineseDue(due)}前` : '近期'}送达。`;
    case 'send':
      return `我们将${by}把沟通的资料发送给您。`;
    case 'escalation':
      return visit
        ? `我们已安排工作人员${by}上门服务。`
        : `您的问题已转交专员处理，专员将${by}与您联系。`;
    case 'other':
      return `关于本次沟通约定的事项，我们将${by}完成。`;
  }
}

function amountsIn(text: string): string[] {
  // "八十九元" → "89元", so the task shows the amount as a number.
  return (text.match(money) ?? []).map((amount) =>
    amount
      .replace(/\s+/g, '')
      .replace(new RegExp(chineseNumeral), (numeral) =>
        String(chineseNumberValue(numeral) ?? numeral),
      ),
  );
}

/**
 * Units of one sentence that each may hold a promise: a clause with its own cue or kind starts
 * one; a clause with neither ("请注意查收", "在3到5个工作日内") belongs to the one before.
 */
function promiseUnits(sentence: string): string[] {
  const units: string[] = [];
  let condition = '';
  for (const raw of splitClauses(sentence)) {
    const clause = raw.replace(connective, '');
    // "如果明天还没送到，我们会给您补发": the condition (and its date) belongs to the promise after it.
    if (conditionStart.test(clause)) {
      condition += `${clause}，`;
      continue;
    }
    const starts = promiseCue.test(clause) || kinds.some(([, pattern]) => pattern.test(clause));
    if (starts || units.length === 0) units.push(`${condition}${clause}`);
    else units[units.length - 1] = `${units[units.length - 1]!}，${condition}${clause}`;
    condition = '';
  }
  return units;
}

/** The amounts of the latest refund mentioned in this turn or up to three turns before it. */
function refundAmountBefore(turns: readonly CommitmentTurn[], seq: number): string[] {
  const earlier = turns.filter((turn) => turn.seq <= seq).slice(-4);
  for (const turn of earlier.reverse()) {
    const amounts = amountsIn(turn.text);
    if (amounts.length > 0 && (turn.seq === seq || refundWords.test(turn.text))) return amounts;
  }
  return [];
}

/** Commitments in one Chinese turn ("退款会在3到5个工作日内退回，稍后我会给您回电"). */
export function extractChineseCommitments(
  turn: CommitmentTurn,
  turns: readonly CommitmentTurn[],
  now: Date,
): Commitment[] {
  const found: Commitment[] = [];
  for (const sentence of splitChineseSentences(toSimplified(turn.text))) {
    if (/[？?]\s*$/.test(sentence)) continue;
    // The kind of the clause before, and the commitment it made (its index in `found`), if any.
    let context: Commitment['kind'] | null = null;
    let madeIndex = -1;
    for (const unit of promiseUnits(sentence)) {
      if (/[吗呢]$/.test(unit)) continue;
      const named = kinds.find(([, pattern]) => pattern.test(unit))?.[0] ?? 'other';
      // "上报给技术部门，他们会在两个工作日内给您答复": "they" are what the clause before named.
      const kind: Commitment['kind'] =
        named === 'other' && context !== null && referringBack.test(unit) ? context : named;
      context = kind;
      const earlier = madeIndex >= 0 ? found[madeIndex] : undefined;
      madeIndex = -1;
      const due = resolveChineseDue(unit, now);
      // A step already taken ("已经为您提交了退款申请") has no cue and no date; a date without a
      // cue ("套餐明天生效") is news, not a promise, unless it names a task ("明天上门"); an
      // untimed "other" promise ("我会处理") is too vague to become a task, as in English.
      if (!promiseCue.test(unit) && (due === null || kind === 'other')) continue;
      if (kind === 'other' && due === null) continue;
      // "会通过快递寄出，预计三天内送达" is one delivery: a clause of the same kind completes the
      // undated promise before it.
      const completed =
        earlier !== undefined && earlier.kind === kind && earlier.dueAt === null
          ? earlier
          : undefined;
      if (completed) found.pop();
      let amounts = [...(completed?.amounts ?? []), ...amountsIn(unit)];
      if (amounts.length === 0 && kind === 'refund') amounts = refundAmountBefore(turns, turn.seq);
      const said = completed ? `${completed.sentence}，${unit}` : unit;
      madeIndex = found.length;
      found.push({
        seq: turn.seq,
        owner: turn.speaker,
        sentence: said,
        kind,
        dueAt: due ? due.at.toISOString() : null,
        amounts,
        draftMessage: chineseDraft(kind, due, amounts, said),
      });
    }
  }
  return found;
}
