import { extractCommitments, type Commitment } from '../followups/commitments.js';
import { toSimplified } from '../../text/chinese-script.js';
import { splitChineseSentences, splitClauses } from '../../text/chinese-words.js';
import {
  promiseWithoutSubject,
  toChineseThirdPerson,
  withoutSubject,
} from './chinese-third-person.js';
import { describeActionItemInChinese } from './describe-action-item-chinese.js';
import {
  roleOf,
  type StructuredActionItem,
  type StructuredSummary,
  type StructuredTurn,
} from './structured.js';

// What a note never repeats: greetings, thanks, yes/no, the company's own introduction.
const pleasantry =
  /^(?:您好|你好|喂|嗯+|哦|啊|好的?|是的?|对|行|可以|谢谢(?:你|您)?|多谢|再见|拜拜|没有了?|没事了?|不客气|请稍等|这里是.*|感谢.*来电|祝您.*|请问有什么.*|麻烦(?:您)?提供.*|我帮您(?:核实|查)一下)[啊呀吧了呢的！!。]*$/;
// Anger is the sentiment analyzer's job; a note states the facts.
const venting = /太气人|气死|太过分|受不了|无语|什么破|搞什么/;
const issueCue =
  /被|扣|收费|费用|账单|重复|两次|多收|问题|无法|不能|没法|不了|不够|不足|太贵|太慢|很慢|坏|故障|断网|没网|错|没收到|还没|没到|到账|网络|信号|欠费|停机|密码|登录/;
const demandCue = /^(?:我|我们)?(?:要求|希望|想要|我要|想|要)(?!是)/;
const threatCue = /取消|换别家|换一家|换运营商|换掉|投诉|不用了|销户|退订|退网|曝光/;
// "那就先不取消了": the customer taking back a threat, the outcome of a retention offer.
const withdrawnCue = /^(?:那|那就|就|好)?(?:先|暂时|还是)?不(?:取消|换|退订|销户|退网|投诉)/;
const conditionCue = /再不|如果|要是|不然|否则/;
const apologyCue = /抱歉|对不起|不好意思|歉意|道歉/;
const verifyCue = /核实|查到|查询|查看|查了|核查|看到/;
const findingCue = /确实|的确/;
const doneCue =
  /已(?:经)?(?:为您|帮您|给您|替您)?[^，]{0,4}?(?:提交|申请|办理|处理|催促|催|通知|退|取消|开通|修改|更改|更新|发送|登记|记录|升级|转交|安排|恢复|解除|补发|重置|调整|减免)/;

// "没问题了" names a problem only to say there is none.
const settledCue = /没(?:有)?问题|没事|解决了|可以了/;
const resolvedCue = /解决了|没问题了|可以了|搞定|满意|明白了|清楚了/;
const acceptanceCue = /^(?:好的?|行|可以|没问题|那我等着?|谢谢)/;
const unresolvedCue = /还是不行|没有解决|没解决|不满意|不接受|没用/;
const escalationCue = /转接|主管|经理|升级|上级|专员/;

/** The closing stretch of a call, where acceptance shows the outcome (as in English). */
const tailTurns = 4;

interface Clause {
  seq: number;
  text: string;
}

/** The clauses worth a note: no pleasantries, questions, venting or personal numbers. */
function contentClauses(turns: readonly StructuredTurn[]): Clause[] {
  return turns.flatMap((turn) =>
    splitChineseSentences(turn.text).flatMap((sentence) =>
      /[？?]$/.test(sentence)
        ? []
        : splitClauses(sentence)
            .filter(
              (text) =>
                !pleasantry.test(text) &&
                !venting.test(text) &&
                !/\d{6,}/.test(text) &&
                !/[吗呢]$/.test(text),
            )
            .map((text) => ({ seq: turn.seq, text })),
    ),
  );
}

/** Character-pair overlap, so "同一笔钱扣了两次" after "被扣了两次月费" is not said twice. */
function overlaps(a: string, b: string): boolean {
  const pairs = (text: string) =>
    new Set([...text].slice(0, -1).map((char, index) => char + [...text][index + 1]!));
  const left = pairs(a);
  const right = pairs(b);
  const shared = [...left].filter((pair) => right.has(pair)).length;
  return shared / Math.max(1, Math.min(left.size, right.size)) >= 0.4;
}

function distinct(texts: readonly string[], limit: number): string[] {
  const kept: string[] = [];
  for (const text of texts)
    if (kept.length < limit && !kept.some((other) => overlaps(other, text))) kept.push(text);
  return kept;
}

interface CustomerFacts {
  issues: string[];
  demand: string | null;
  threat: string | null;
  /** A threat taken back later in the call ("先不取消"). */
  withdrawn: string | null;
}

function customerFacts(clauses: readonly Clause[]): CustomerFacts {
  const issues: string[] = [];
  const threats: string[] = [];
  let demand: string | null = null;
  let withdrawn: string | null = null;
  clauses.forEach((clause, index) => {
    if (withdrawnCue.test(clause.text)) {
      withdrawn = toChineseThirdPerson(clause.text.replace(/^(?:那就|那|好)/, ''), 'customer');
    } else if (threatCue.test(clause.text)) {
      // "你们再不处理，我就取消服务": the condition belongs to the threat it introduces.
      const previous = clauses[index - 1];
      const condition =
        threats.length === 0 && previous?.seq === clause.seq && conditionCue.test(previous.text)
          ? `如${toChineseThirdPerson(previous.text, 'customer')}，`
          : '';
      const threat = withoutSubject(clause.text, 'customer').replace(/^就/, '').replace(/了$/, '');
      // "如公司再不处理，将取消服务": what follows a condition is what the customer will do.
      threats.push(
        `${condition}${condition !== '' && !/^[将会要]/.test(threat) ? '将' : ''}${threat}`,
      );
    } else if (conditionCue.test(clause.text)) {
      // Kept only as part of the threat that follows it.
    } else if (demandCue.test(clause.text)) {
      demand ??= toChineseThirdPerson(clause.text.replace(demandCue, ''), 'customer');
    } else if (issueCue.test(clause.text) && !settledCue.test(clause.text)) {
      issues.push(withoutSubject(clause.text, 'customer'));
    }
  });
  return {
    issues: distinct(issues, 2),
    demand,
    threat: threats.length > 0 ? threats.slice(0, 2).join('，') : null,
    withdrawn,
  };
}

interface AgentFacts {
  apologised: boolean;
  verified: boolean;
  finding: string | null;
  done: string[];
}

function agentFacts(turns: readonly StructuredTurn[], clauses: readonly Clause[]): AgentFacts {
  const text = turns.map((turn) => turn.text).join('');
  const finding = clauses.find((clause) => findingCue.test(clause.text));
  return {
    apologised: apologyCue.test(text),
    verified: verifyCue.test(text),
    // "核实确认…确实…" says it twice.
    finding: finding
      ? withoutSubject(
          finding.text
            .replace(findingCue, '')
            .replace(/^(?:我)?(?:看到|查到|查看到)(?:了)?|^系统显示/, ''),
          'agent',
        )
      : null,
    done: distinct(
      clauses
        .filter((clause) => doneCue.test(clause.text) && !promiseLike.test(clause.text))
        .map((clause) => withoutSubject(clause.text, 'agent')),
      2,
    ),
  };
}

// A done step is in the past; "会"/"将" make it a promise, which the follow-ups report instead.
const promiseLike = /(?<![不机社学])会(?![员议])|将(?!军)|稍后|尽快|预计/;

function outcomeOf(
  turns: readonly StructuredTurn[],
  followUps: readonly Commitment[],
  done: readonly string[],
): StructuredSummary['outcome'] {
  const closing = turns.slice(-tailTurns);
  const tail = closing.map((turn) => turn.text).join('');
  const lastIndex = (test: (turn: StructuredTurn) => boolean): number =>
    closing.reduce((last, turn, index) => (test(turn) ? index : last), -1);
  const lastUnresolved = lastIndex((turn) => unresolvedCue.test(turn.text));
  const lastSettled = lastIndex(
    (turn) =>
      resolvedCue.test(turn.text) ||
      (roleOf(turn.speaker) === 'customer' && acceptanceCue.test(turn.text)),
  );
  const whole = turns.map((turn) => turn.text).join('');
  if (escalationCue.test(whole) && !resolvedCue.test(tail)) return 'escalated';
  if (lastSettled > lastUnresolved) return followUps.length > 0 ? 'follow-up' : 'resolved';
  if (followUps.length > 0) return 'follow-up';
  return done.length > 0 && lastUnresolved < 0 ? 'resolved' : 'unresolved';
}

function resultText(
  outcome: StructuredSummary['outcome'],
  followUps: readonly Commitment[],
): string {
  const kinds = new Set(followUps.map((followUp) => followUp.kind));
  switch (outcome) {
    case 'resolved':
      return '问题已解决';
    case 'unresolved':
      return '问题未解决';
    case 'escalated':
      return '已升级处理';
    case 'follow-up':
      if (kinds.has('refund'))
        return followUps.some((followUp) => /补偿|赔偿/.test(followUp.sentence))
          ? '已安排补偿'
          : '已安排退款';
      if (kinds.has('delivery')) return '已安排寄送';
      if (followUps.some((followUp) => /上门/.test(followUp.sentence))) return '已安排上门服务';
      if (kinds.has('escalation')) return '已转交专员跟进';
      if (kinds.has('callback')) return '待坐席回电';
      if (followUps.some((followUp) => /修好|修复|恢复|抢修/.test(followUp.sentence)))
        return '待恢复服务';
      if (kinds.has('send')) return '待发送通知';
      return '待跟进';
  }
}

function customerSentence(facts: CustomerFacts): string | null {
  const parts = [
    ...(facts.issues.length > 0 ? [`反映${facts.issues.join('，')}`] : []),
    ...(facts.demand ? [`要求${facts.demand}`] : []),
    ...(facts.threat
      ? [`${facts.issues.length + (facts.demand ? 1 : 0) > 0 ? '并' : ''}表示${facts.threat}`]
      : []),
  ];
  if (facts.withdrawn && facts.threat) parts.push(`后表示${facts.withdrawn.replace(/了$/, '')}`);
  return parts.length > 0 ? `客户${parts.join('，')}。` : null;
}

function agentSentence(facts: AgentFacts, followUps: readonly Commitment[]): string | null {
  const steps = [
    ...(facts.finding ? [`确认${facts.finding}`] : []),
    ...facts.done,
    ...(followUps.length > 0
      ? [
          `承诺${distinct(
            followUps.map((followUp) => promiseWithoutSubject(followUp.sentence)),
            2,
          ).join('，')}`,
        ]
      : []),
  ];
  // "核实后承诺…", or "核实确认…" when the check found something.
  if (facts.verified && steps.length > 0)
    steps[0] = steps[0]!.startsWith('确认') ? `核实${steps[0]!}` : `核实后${steps[0]!}`;
  const parts = [...(facts.apologised ? ['致歉'] : []), ...steps];
  return parts.length > 0 ? `坐席${parts.join('，')}。` : null;
}

/**
 * The wrap-up summary of a Chinese conversation: the same facts as the English one (what the
 * customer reported and asked, what the agent did and promised, how it ended), written as a
 * supervisor's note in third person with Chinese templates, never as quotes.
 */
export function chineseSummary(
  said: readonly StructuredTurn[],
  now: Date,
  actionItems: readonly StructuredActionItem[] = [],
): StructuredSummary & { narrative: string } {
  // Traditional characters read as Simplified; the note is written in Simplified.
  const turns = said.map((turn) => ({ ...turn, text: toSimplified(turn.text) }));
  const hasRoles = turns.some((turn) => roleOf(turn.speaker) === 'customer');
  // Without roles, the first speaker is usually the one who reached out.
  const isCustomer = (turn: StructuredTurn) =>
    hasRoles ? roleOf(turn.speaker) === 'customer' : turn.speaker === turns[0]?.speaker;
  const customerTurns = turns.filter(isCustomer);
  const agentTurns = turns.filter((turn) => !isCustomer(turn));
  const customer = customerFacts(contentClauses(customerTurns));
  const agent = agentFacts(agentTurns, contentClauses(agentTurns));
  const followUps = extractCommitments(turns, {
    now,
    owners: [...new Set(agentTurns.map((turn) => turn.speaker))],
  });
  const outcome = outcomeOf(turns, followUps, agent.done);
  const narrative = [
    customerSentence(customer),
    agentSentence(agent, followUps),
    `结果：${resultText(outcome, followUps)}。`,
  ]
    .filter((sentence) => sentence !== null)
    .join('');
  const firstIssue = customer.issues[0] ?? customer.demand;
  return {
    narrative,
    reason: firstIssue ? `客户${firstIssue.replace(/^其/, '')}` : null,
    actions: [
      ...actionItems.map((item) => describeActionItemInChinese(item.action, item.data)),
      ...agent.done.map((step) => `坐席${step}`),
    ].slice(0, 6),
    outcome,
    followUps,
  };
}
