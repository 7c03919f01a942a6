/**
 * What the alert rules listen for. Every list is tenant-configurable; the defaults are
 * starting points in English and Chinese, written for general contact-center use.
 */
export interface DisclosureRule {
  id: string;
  title: string;
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
    '找你们负责人',
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
    '12315',
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
    '取消订阅',
    '退订',
    '销户',
    '注销',
    '换一家',
    '取消服务',
    '取消套餐',
    '换别家',
    '换运营商',
    '携号转网',
    '不想再用',
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
  closingPhrases: [
    'have a great day',
    'have a nice day',
    // Not "thanks for calling": agents open calls with it.
    'goodbye',
    'bye',
    '再见',
    '祝您生活愉快',
  ],
  disclosures: [
    {
      id: 'call-recording',
      title: 'Call recording notice',
      phrases: [
        'this call is recorded',
        'this call may be recorded',
        'calls are recorded',
        'recorded for quality',
        '本次通话可能会被录音',
        '通话录音',
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
