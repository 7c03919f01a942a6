import type { AssistLanguage } from '../messages/assist-language.js';

/**
 * What the alert rules listen for. Every list is tenant-configurable; the defaults are
 * starting points in English and Chinese, written for general contact-center use.
 */
export interface DisclosureRule {
  id: string;
  title: string;
  /** The title in other languages the agent may work in ('zh'); `title` where one is missing. */
  titles?: Partial<Record<AssistLanguage, string>>;
  /** Any of these said by the agent counts as the disclosure. */
  phrases: string[];
  /** Channels where it is mandatory (default: all). */
  channels?: Array<'voice' | 'chat' | 'email'>;
}

export interface AlertConfig {
  /** Customer asks for someone above the agent. */
  supervisorPhrases: string[];
  /** Legal threats and formal complaints: escalate at once. */
  legalPhrases: string[];
  /** Customer says they want to leave. */
  cancelPhrases: string[];
  /** Intent names (from the intent analyzer) that mean the customer wants to leave. */
  cancelIntents: string[];
  /** Competitor names; empty by default because they differ for every business. */
  competitors: string[];
  /** Agent actions that change the account and need a verified customer first. */
  accountChangingActions: string[];
  /** Agent actions that verify the customer's identity. */
  verificationActions: string[];
  /**
   * Agent words that guarantee an outcome or a date ("I guarantee", "保证三天内到账"): a
   * promise the business may not keep, which complaints and regulators hold it to.
   */
  promisePhrases: string[];
  /** Agent phrases that close a conversation (when missing disclosures are flagged live). */
  closingPhrases: string[];
  disclosures: DisclosureRule[];
  sentiment: {
    /** A customer turn at or below this score is negative. */
    negativeAt: number;
    /** Consecutive customer turns looked at for a worsening trend. */
    window: number;
  };
}

// Chinese negation right before a verb: "不想取消", "没有要退订", "别注销".
const notAbout = '不|没|别|不想|不要|不会|不用|没有|没有要|不是要|并不想|没打算|不打算|没想过';
// Words in front of a guarantee that take it back: "不能保证", "没法保证", "不一定".
const notPromising = '不|不能|无法|没法|不敢|没办法|很难|难以|并不|未必';
// What a guarantee is about: money back, a fix, or a date. Within the same clause only, so
// "肯定是重复扣费了，我给您退款" (sure it was a double charge, refund) is no promise.
const promisedOutcome =
  '退款|退回|退还|退给|到账|返还|赔偿|补偿|修好|恢复|解决|处理好|办好|搞定|今天|明天|后天|' +
  '[0-9０-９一二两三四五六七八九十]+(?:个)?(?:天|个?工作日|小时|号|日)';

// What a customer cancels when they leave (not an order or an appointment).
const services = '服务|业务|套餐|订阅|会员|宽带|合约|合同|账户|账号|号码|卡|手机号';

/**
 * A customer saying they will leave, in Chinese, as patterns: the object may sit before the verb
 * ("把宽带取消掉"), and a negation just before the verb ("不想取消", "没有要退订") is no threat.
 * Cancelling an order is not leaving, nor is changing to another plan ("换一个套餐"). Shared with
 * the churn signals, so that the live alert and the churn risk hear the same words.
 */
export const chineseLeavingPhrases: readonly string[] = [
  `/(?<!${notAbout})(?:取消|退掉|停掉|不要|关掉)(?:掉|了)?(?:你们|您们)?的?(?:${services})/`,
  // The object may be the customer's own ("把家里的宽带取消掉", "把我的号码注销").
  `/(?:把|将)(?:你们|您们|我|我们|家里|我家|家)?的?(?:这个|那个)?(?:${services}).{0,6}?(?:取消|退掉|停掉|关掉|销掉|注销)/`,
  `/(?<!${notAbout})(?:退订|销户|销号|注销|解约|退网|转网|携号转网|不续约|不续费)/`,
  `/(?<!${notAbout})换(?:一家|别家|家|个(?:运营商|公司|平台|银行)|别的(?:运营商|公司|平台|银行)|其他(?:家|运营商|公司|平台|银行)|运营商)/`,
  // Someone else's provider held up against ours ("邻居用别家的，才九十九").
  `/(?:用|选|去)(?:别家|其他家|别的(?:运营商|公司)|其他(?:运营商|公司))/`,
  `/(?:不用|不再用|不想再用|再也不用)(?:你们|您们)/`,
];

export const defaultAlertConfig: AlertConfig = {
  supervisorPhrases: [
    'supervisor',
    'manager',
    'speak to someone else',
    'someone in charge',
    'escalate',
    'your boss',
    'higher up',
    '主管',
    '经理',
    '领导',
    '上级',
    '负责人',
    '上面的人',
  ],
  legalPhrases: [
    'lawyer',
    'attorney',
    'sue',
    'suing',
    'lawsuit',
    'legal action',
    'court',
    'ombudsman',
    'regulator',
    'formal complaint',
    'file a complaint',
    'consumer protection',
    'report you to',
    '律师',
    '起诉',
    '法院',
    '投诉',
    '消协',
    '消费者协会',
    '12315',
    '工信部',
    '通信管理局',
    '市场监管',
    '银保监',
    '监管部门',
    '曝光',
  ],
  cancelPhrases: [
    'cancel my',
    'cancel the subscription',
    'going to cancel',
    'want to cancel',
    'like to cancel',
    'switch to another',
    'switching to another',
    'close my account',
    'terminate',
    'unsubscribe',
    'leave you',
    'done with you',
    ...chineseLeavingPhrases,
  ],
  cancelIntents: [
    'cancel_subscription',
    'cancel',
    'cancellation',
    'close_account',
    'manage_cancel',
  ],
  competitors: [],
  accountChangingActions: [
    'update-account',
    'change-address',
    'update-address',
    'change-email',
    'change-phone',
    'make-password',
    'reset-password',
    'send-link',
    'offer-refund',
    'issue-refund',
    'update-order',
    'cancel-subscription',
    'change-payment-method',
  ],
  verificationActions: ['verify-identity', 'verify-customer', 'authenticate-customer'],
  promisePhrases: [
    // "I can't promise" and "we cannot guarantee" are the careful wording, not a promise.
    '/\\b(?:i|we)(?: can| will| do)? (?:guarantee|promise)\\b/',
    "/\\b(?:is|it's|that's|are|you're|you are) guaranteed\\b/",
    '/\\b100 ?(?:%|percent) (?:sure|guaranteed|certain)\\b/',
    '/\\bdefinitely (?:be|get|have|arrive|receive|see)\\b.{0,40}?\\b(?:by|within|before|tomorrow|today)\\b/',
    `/(?<!${notPromising})(?:保证|担保|打包票|包您|一定|肯定|绝对|百分之百|百分百)(?:会|能|可以|给您|帮您)?[^，。！？,.!?；;]{0,12}?(?:${promisedOutcome})/`,
  ],
  closingPhrases: [
    'have a great day',
    'have a nice day',
    // Not "thanks for calling": agents open calls with it.
    'goodbye',
    'bye',
    '再见',
    '祝您生活愉快',
    '祝您愉快',
    '拜拜',
  ],
  disclosures: [
    {
      id: 'call-recording',
      title: 'Call recording notice',
      titles: { zh: '通话录音提示' },
      phrases: [
        'this call is recorded',
        'this call may be recorded',
        'calls are recorded',
        'recorded for quality',
        '本次通话可能会被录音',
        '通话录音',
        // "本次通话将被录音", "您的电话会被录音"
        '/(?:通话|电话|来电).{0,8}录音/',
      ],
      channels: ['voice'],
    },
  ],
  sentiment: { negativeAt: -0.3, window: 3 },
};

/** Tenant settings override the defaults list by list. */
export function alertConfigFor(overrides: Partial<AlertConfig> = {}): AlertConfig {
  return {
    ...defaultAlertConfig,
    ...overrides,
    sentiment: { ...defaultAlertConfig.sentiment, ...overrides.sentiment },
  };
}
