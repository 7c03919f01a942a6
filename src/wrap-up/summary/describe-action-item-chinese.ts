import { actionWords } from './describe-action-item.js';

/**
 * An action item in a Chinese note ("issue-refund", { amount: 89, currency: "CNY" } → "办理退款：
 * ¥89.00"). Action names are the connector's own English identifiers: they are read word by word
 * through a glossary of the verbs and objects of contact-centre actions (English and Chinese both
 * put the verb before its object). A name with a word outside the glossary is shown as it was
 * sent, inside a Chinese line, rather than half translated.
 */

const glossary: Readonly<Record<string, string>> = {
  // What the agent did.
  verify: '核实',
  validate: '核验',
  check: '查询',
  lookup: '查询',
  look: '查询',
  search: '查询',
  track: '查询',
  pull: '调出',
  issue: '办理',
  process: '办理',
  offer: '提供',
  apply: '添加',
  add: '添加',
  remove: '移除',
  update: '更新',
  change: '更改',
  edit: '修改',
  reset: '重置',
  send: '发送',
  resend: '重新发送',
  cancel: '取消',
  close: '关闭',
  open: '开立',
  create: '创建',
  escalate: '升级处理',
  transfer: '转接',
  schedule: '预约',
  book: '预约',
  waive: '减免',
  confirm: '确认',
  activate: '开通',
  reactivate: '重新开通',
  suspend: '暂停',
  restore: '恢复',
  replace: '更换',
  ship: '寄送',
  hold: '保持通话',
  record: '记录',
  log: '登记',
  // What it was done to.
  identity: '身份',
  refund: '退款',
  credit: '补偿',
  discount: '折扣',
  incident: '故障',
  incidents: '故障',
  outage: '故障',
  account: '账户',
  address: '地址',
  order: '订单',
  purchase: '购买记录',
  link: '链接',
  password: '密码',
  payment: '付款',
  plan: '套餐',
  service: '服务',
  subscription: '订阅',
  device: '设备',
  shipping: '物流',
  delivery: '配送',
  status: '状态',
  ticket: '工单',
  case: '工单',
  complaint: '投诉',
  retention: '挽留',
  bill: '账单',
  invoice: '发票',
  appointment: '预约',
  technician: '技术人员',
  replacement: '换货',
  return: '退货',
  callback: '回电',
  note: '备注',
  // Detail names and values.
  method: '方式',
  area: '区域',
  amount: '金额',
  reason: '原因',
  phone: '电话',
  email: '邮箱',
  sms: '短信',
  verified: '已核实',
  months: '个月',
  days: '天',
  weeks: '周',
  hours: '小时',
  items: '件',
};
// Words an action name carries for English grammar only ("pull up account", "send to email").
const particles = new Set(['up', 'to', 'the', 'a', 'an', 'for', 'of', 'on', 'in']);
const amountKeys = ['amount', 'total', 'value', 'sum'];
const currencyKeys = ['currency', 'currencycode', 'currency_code'];
const maxDetails = 3;
const maxValueLength = 40;

/** "pull-up-account" → "调出账户"; null when a word is outside the glossary. */
function translate(name: string): string | null {
  const words = actionWords(name).filter((word) => !particles.has(word));
  if (words.length === 0) return null;
  const translated = words.map((word) => glossary[word]);
  return translated.every((word) => word !== undefined) ? translated.join('') : null;
}

function money(amount: number, currency: unknown): string {
  if (typeof currency === 'string' && /^[A-Za-z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat('zh-CN', {
        style: 'currency',
        currency: currency.toUpperCase(),
      }).format(amount);
    } catch {
      // An unknown code: the amount in yuan's words reads wrong, so show it with the code.
    }
  }
  return `${amount}元`;
}

function keyOf(data: Record<string, unknown>, names: readonly string[]): string | undefined {
  return Object.keys(data).find((key) => names.includes(key.toLowerCase()));
}

/** A one-line Chinese description of an action item, e.g. "核实身份（方式：电话）". */
export function describeActionItemInChinese(action: string, data: Record<string, unknown>): string {
  const name = translate(action);
  if (name === null) return `系统操作：${action}`;
  const quantities: string[] = [];
  const details: string[] = [];
  const amountKey = keyOf(data, amountKeys);
  const currencyKey = keyOf(data, currencyKeys);
  const amount = amountKey === undefined ? undefined : data[amountKey];
  if (typeof amount === 'number' && Number.isFinite(amount))
    quantities.push(money(amount, currencyKey === undefined ? undefined : data[currencyKey]));
  for (const [key, value] of Object.entries(data)) {
    if (key === amountKey || key === currencyKey) continue;
    const label = translate(key);
    // Counted units ("months: 3" → "3个月") are quantities of the action itself.
    if (typeof value === 'number' && Number.isFinite(value) && /s$/.test(key) && label !== null) {
      quantities.push(`${value}${label}`);
      continue;
    }
    const shown =
      typeof value === 'boolean'
        ? value
          ? '是'
          : '否'
        : typeof value === 'string' && value.trim() !== '' && value.length <= maxValueLength
          ? (translate(value) ?? value.trim())
          : typeof value === 'number' && Number.isFinite(value)
            ? String(value)
            : null;
    // A detail whose name the glossary lacks is the connector's bookkeeping.
    if (shown !== null && label !== null && details.length < maxDetails)
      details.push(`${label}：${shown}`);
  }
  return `${name}${quantities.length > 0 ? `：${quantities.join('、')}` : ''}${
    details.length > 0 ? `（${details.join('，')}）` : ''
  }`;
}
