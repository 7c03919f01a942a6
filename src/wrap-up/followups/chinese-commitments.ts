import { toSimplified } from '../../text/chinese-script.js';
import { chineseNumberValue, chineseNumeral } from '../../text/chinese-digits.js';
import { splitChineseSentences, splitClauses } from '../../text/chinese-words.js';
import type { Commitment, CommitmentTurn } from './commitments.js';
import { formatChineseDue, resolveChineseDue } from './chinese-due-date.js';
import type { Due } from './due-date.js';

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
// "工程师预计明天中午前修好": when service comes back, whoever does the work.
const repairCue = /修好|修复|恢复|抢修|排除故障/;
const referringBack = /^(?:他们|他|她|对方|相关部门|同事|专员|那边)/;
// "如果…", "若…", "万一…", "…的话": what follows is promised only if that happens.
const conditionStart = /^(?:如果|要是|万一|假如|假设|若是?|一旦|倘若)|的话$/;
// "故障超过二十四小时会自动补偿": a threshold and its consequence in one clause is a condition too.
const thresholdCondition = /(?:超过|超出|满|达到|过了)[^，]{1,12}?(?:会|就|将|的话)/;
// Sent electronically: "把快递单发到您的邮箱" is a message, not a parcel.
const electronicSend = /(?:发|发送)(?:到|给)?您?的?(?:邮箱|手机|微信)|短信|邮件/;
// "需要在十五天内寄回", "请您…寄回": what the customer has to do, said by the agent.
const customerDuty = /^(?:您|你)?(?:需要|必须|得|请您?|麻烦您|记得)|需要(?:您|你)?在/;
// Who acts on an undated promise: the agent's side, or the customer as the one served.
const actor = /我|我们|同事|专员|工程师|师傅|技术人员|快递员|主管|经理|您/;
const connective = /^(?:并且|而且|然后|另外|同时|还有|并)/;
const money = new RegExp(
  `[¥￥]\\s*\\d+(?:\\.\\d+)?|(?:\\d+(?:\\.\\d+)?|${chineseNumeral})\\s*(?:元|块钱|块)`,
  'g',
);

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
    case 'send': {
      if (!/通知/.test(sentence)) return `我们将${by}把沟通的资料发送给您。`;
      // "修好以后会短信通知您": the notice waits for news, so an undated one is not "尽快".
      const channel = /短信|邮件|电话|微信/.exec(sentence)?.[0];
      return `我们将${due ? by : '在有进展后'}${channel ? `通过${channel}` : ''}通知您。`;
    }
    case 'escalation':
      return visit
        ? `我们已安排工作人员${by}上门服务。`
        : `您的问题已转交专员处理，专员将${by}与您联系。`;
    case 'other':
      if (repairCue.test(sentence) && due) return `我们预计于${formatChineseDue(due)}前恢复服务。`;
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

interface PromiseUnit {
  text: string;
  /** Said under a condition ("如果明天还没送到，我们会补发"): nothing is arranged yet. */
  conditional: boolean;
}

/**
 * Units of one sentence that each may hold a promise: a clause with its own cue or kind starts
 * one; a clause with neither ("请注意查收", "在3到5个工作日内") belongs to the one before.
 */
function promiseUnits(sentence: string): PromiseUnit[] {
  const units: PromiseUnit[] = [];
  let condition = '';
  for (const raw of splitClauses(sentence)) {
    const clause = raw.replace(connective, '');
    // "如果明天还没送到，我们会给您补发": the condition belongs to the promise after it.
    if (conditionStart.test(clause)) {
      condition += `${clause}，`;
      continue;
    }
    const conditional = condition !== '' || thresholdCondition.test(clause);
    const starts = promiseCue.test(clause) || kinds.some(([, pattern]) => pattern.test(clause));
    const last = units[units.length - 1];
    if (starts || !last) units.push({ text: `${condition}${clause}`, conditional });
    else {
      last.text = `${last.text}，${condition}${clause}`;
      last.conditional ||= conditional;
    }
    condition = '';
  }
  return units;
}

function kindOf(unit: string): Commitment['kind'] {
  if (electronicSend.test(unit) && !/寄(?!存)/.test(unit.replace(/快递单|单号/g, '')))
    return 'send';
  const named = kinds.find(([, pattern]) => pattern.test(unit))?.[0] ?? 'other';
  // "工程师预计明天中午前修好" names an engineer, but it is a repair time, not a hand-over to a
  // specialist; a visit (上门) stays an escalation.
  return named === 'escalation' && repairCue.test(unit) && !/上门/.test(unit) ? 'other' : named;
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
  // Kinds promised under a condition in this turn: "补偿会体现在下一期账单中" after "故障超过
  // 二十四小时会自动补偿" tells how that same conditional compensation is paid.
  const conditionalKinds = new Set<Commitment['kind']>();
  for (const sentence of splitChineseSentences(toSimplified(turn.text))) {
    if (/[？?]\s*$/.test(sentence)) continue;
    // The kind of the clause before, and the commitment it made (its index in `found`), if any.
    let context: Commitment['kind'] | null = null;
    let madeIndex = -1;
    for (const { text: unit, conditional } of promiseUnits(sentence)) {
      if (/[吗呢]$/.test(unit)) continue;
      const named = kindOf(unit);
      // "上报给技术部门，他们会在两个工作日内给您答复": "they" are what the clause before named.
      const kind: Commitment['kind'] =
        named === 'other' && context !== null && referringBack.test(unit) ? context : named;
      context = kind;
      const earlier = madeIndex >= 0 ? found[madeIndex] : undefined;
      madeIndex = -1;
      if (conditional) {
        conditionalKinds.add(kind);
        continue;
      }
      const due = resolveChineseDue(unit, now);
      if (due === null && kind !== 'other' && conditionalKinds.has(kind)) continue;
      // What the customer is asked to do is theirs to keep, not a task for the agent.
      if (customerDuty.test(unit) && !/(?<![不机社学])会(?![员议])|将(?!军)/.test(unit)) continue;
      // An undated statement with nobody acting ("账单会寄到新地址") is how things run, not a task.
      if (due === null && !actor.test(unit)) continue;
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
