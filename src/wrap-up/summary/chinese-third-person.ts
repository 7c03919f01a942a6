/**
 * Rewrites a Chinese clause from a speaker's first person into a supervisor's third person. The
 * customer's 我 is 客户 and their 你/您 the agent (坐席); the agent's 我 is 坐席, their 我们 the
 * company (公司) and their 你/您 the customer. Longer forms go first so 我们 is not read as 我.
 */
const common: [RegExp, string][] = [
  [/这个月/g, '本月'],
  [/上个月/g, '上月'],
  [/已经/g, '已'],
];
const byRole: Record<'customer' | 'agent', [RegExp, string][]> = {
  customer: [
    [/你们|您们/g, '公司'],
    [/我们|咱们/g, '客户'],
    [/我/g, '客户'],
    [/[您你]/g, '坐席'],
  ],
  agent: [
    [/我们|咱们|你们公司/g, '公司'],
    [/您们|你们/g, '客户'],
    [/我/g, '坐席'],
    [/[您你]/g, '客户'],
  ],
};

export function toChineseThirdPerson(clause: string, role: 'customer' | 'agent'): string {
  let out = clause;
  for (const [pattern, replacement] of [...common, ...byRole[role]])
    out = out.replace(pattern, replacement);
  return out;
}

/**
 * The clause without its leading subject, for a sentence that already names the speaker
 * ("客户反映…", "坐席承诺…"): 我这个月被扣了两次 → 本月被扣了两次; 我的套餐 → 其套餐.
 */
export function withoutSubject(clause: string, role: 'customer' | 'agent'): string {
  const possessive = /^(?:我们|我)的/;
  if (possessive.test(clause)) return toChineseThirdPerson(clause.replace(possessive, '其'), role);
  if (/^我家/.test(clause)) return toChineseThirdPerson(clause.replace(/^我家的?/, '其家中'), role);
  const subjectless = clause.replace(/^(?:我们|我|咱们)(?:这边)?(?:就|也|还)?/, '');
  // Inside the clause too, the speaker as subject of a verb is already named by the sentence:
  // "公司的APP我一直登录不了" → "公司的APP一直登录不了". As an object ("给我退款") it stays.
  const dropped = subjectless.replace(/我(?=一直|就|也|还|都|已|被|在|是|刚|才|又|不|没)/g, '');
  // The customer's "我的会员" is theirs: 其会员. The agent's 我们的 stays the company's.
  return toChineseThirdPerson(role === 'customer' ? dropped.replace(/我的/g, '其') : dropped, role);
}

/** A promise without the agent as its subject: 稍后我会给您回电 → 稍后会给客户回电. */
export function promiseWithoutSubject(clause: string): string {
  return withoutSubject(clause.replace(/(?:我们|我)(?:这边)?(?=会|将|给|帮|为)/g, ''), 'agent');
}
