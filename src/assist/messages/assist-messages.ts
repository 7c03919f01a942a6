import type { AssistLanguage } from './assist-language.js';

/** A recognised intent: its code name, and how Chinese text names it when the taxonomy says. */
export interface IntentName {
  intent: string;
  labelZh?: string | undefined;
}

/** An intent as people read it: its words, not its code ("billing_dispute" → "billing dispute"). */
const intentWords = ({ intent }: IntentName): string => intent.replace(/[_-]+/g, ' ').trim();

/** In Chinese text, the taxonomy's Chinese label; the code's words only when it has none. */
const intentWordsZh = (intent: IntentName): string => intent.labelZh ?? intentWords(intent);

/**
 * Every text of the live assist that the agent reads (alert titles and reasons, next-step
 * explanations, why a reply or a past case is suggested), in each language the agent may be
 * working in. One catalogue, so a new language is one more entry that the compiler checks for
 * completeness, not a ternary in every analyzer. Words quoted from the call stay as said.
 */
export type StepKind = 'ask' | 'verify' | 'act' | 'offer' | 'confirm';

export interface AssistMessages {
  alerts: {
    supervisor: { title: string; reason: (said: string) => string };
    legal: { title: string; reason: (said: string) => string };
    upset: {
      title: string;
      fell: (turns: number, scores: string) => string;
      worsening: (score: string) => string;
    };
    leaving: {
      title: string;
      said: (said: string) => string;
      intent: (intent: IntentName) => string;
    };
    competitor: { title: string; reason: (name: string) => string };
    unverified: { title: string; reason: (action: string, verifications: string) => string };
    disclosure: {
      title: (rule: string) => string;
      reason: (rule: string, when: 'closing' | 'end') => string;
    };
    promise: { title: string; reason: (said: string) => string };
  };
  playbook: {
    pending: Record<StepKind, string>;
    /** Why the playbook was chosen. */
    byIntent: (intent: IntentName) => string;
    byWords: (said: string) => string;
    explain: (
      step: { title: string; why: string; kind: StepKind },
      playbook: string,
      because: string,
    ) => string;
  };
  replies: {
    fromArticle: (title: string) => string;
    toNextStep: (title: string) => string;
    /** Joins the reasons and makes one sentence of them. */
    reason: (parts: string[]) => string;
    separator: string;
    fromConversation: string;
    none: string;
  };
  similarCases: {
    reason: (outcome: string | null, date: string | null, similarity: string) => string;
  };
  answers: {
    /** Shown instead of an answer when no passage supports one. */
    refusal: string;
    fromArticles: (titles: readonly string[]) => string;
    extracted: (title: string) => string;
  };
  articleCards: {
    /** Why a card is shown: the customer's words it matched (at most three), or its meaning. */
    matches: (terms: readonly string[]) => string;
    closeInMeaning: string;
    /** The article resolved this many earlier conversations like this one (learned ranking). */
    resolvedBefore: (conversations: number) => string;
    /** The article resolved this many earlier conversations wrapped up with this code. */
    resolvedWithCode: (conversations: number, code: string) => string;
  };
}

function englishList(words: readonly string[]): string {
  const quoted = words.slice(0, 3).map((word) => `'${word}'`);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

const english: AssistMessages = {
  alerts: {
    supervisor: {
      title: 'Customer asks for a supervisor',
      reason: (said) => `The customer said "${said}".`,
    },
    legal: {
      title: 'Legal threat or formal complaint',
      reason: (said) => `The customer said "${said}": follow the complaints procedure.`,
    },
    upset: {
      title: 'Customer is getting more upset',
      fell: (turns, scores) => `Customer sentiment fell over the last ${turns} turns (${scores}).`,
      worsening: (score) =>
        `The customer's mood has been worsening and this turn is negative (${score}).`,
    },
    leaving: {
      title: 'Customer wants to leave',
      said: (said) => `The customer said "${said}": consider a retention offer.`,
      intent: (intent) =>
        `The request looks like "${intentWords(intent)}": consider a retention offer.`,
    },
    competitor: {
      title: 'Competitor mentioned',
      reason: (name) => `The customer mentioned ${name}.`,
    },
    unverified: {
      title: 'Account changed before identity was verified',
      reason: (action, verifications) =>
        `"${action}" was done but no identity verification (${verifications}) came before it.`,
    },
    disclosure: {
      title: (rule) => `${rule} not given`,
      reason: (rule, when) =>
        `The mandatory "${rule}" was not said ${when === 'closing' ? 'before the agent started closing the conversation' : 'by the end of the conversation'}.`,
    },
    promise: {
      title: 'Agent promised an outcome or a date',
      reason: (said) =>
        `The agent said "${said}": commit only to what policy allows (say "usually" or "we aim to", not a guarantee).`,
    },
  },
  playbook: {
    pending: {
      ask: 'not asked yet',
      verify: 'not verified yet',
      act: 'not done yet',
      offer: 'not offered yet',
      confirm: 'not confirmed yet',
    },
    byIntent: (intent) => `the customer's request looks like "${intentWords(intent)}"`,
    byWords: (said) => `the customer mentioned "${said}"`,
    explain: (step, playbook, because) =>
      `${step.title}: ${english.playbook.pending[step.kind]}. ${step.why} (${playbook}: ${because}.)`,
  },
  replies: {
    fromArticle: (title) => `from the article "${title}"`,
    toNextStep: (title) => `moves to the next step "${title}"`,
    reason: (parts) => `Suggested reply ${parts.join(' and ')}.`,
    separator: ' ',
    fromConversation: 'Drafted from the conversation.',
    none: 'No reply could be drafted (the language model failed and no playbook step or article applies).',
  },
  answers: {
    refusal: 'No article supports an answer.',
    fromArticles: (titles) => `Answer drawn from ${englishList(titles.map((t) => t))}.`,
    extracted: (title) => `The sentences of "${title}" that answer the question.`,
  },
  similarCases: {
    reason: (outcome, date, similarity) =>
      `A ${outcome ?? 'resolved'} case${date ? ` from ${date}` : ''} where the customer said much the same (similarity ${similarity}).`,
  },
  articleCards: {
    matches: (terms) => `matches ${englishList(terms)} from the customer's last turns`,
    closeInMeaning: 'close in meaning to what the customer said in the last turns',
    resolvedBefore: (n) =>
      n === 1
        ? 'agents used this for a conversation like this one'
        : `agents used this for ${n} conversations like this one`,
    resolvedWithCode: (n, code) =>
      n === 1
        ? `agents used this for a conversation wrapped up as ${code}`
        : `agents used this for ${n} conversations wrapped up as ${code}`,
  },
};

const outcomesZh: Record<string, string> = {
  resolved: '已解决',
  'follow-up': '待跟进',
  unresolved: '未解决',
  escalated: '已升级',
};

const chinese: AssistMessages = {
  alerts: {
    supervisor: { title: '客户要求找主管', reason: (said) => `客户说："${said}"。` },
    legal: {
      title: '客户威胁投诉或起诉',
      reason: (said) => `客户说："${said}"。请按投诉处理流程处理。`,
    },
    upset: {
      title: '客户情绪越来越差',
      fell: (turns, scores) => `最近${turns}轮客户情绪持续下降（${scores}）。`,
      worsening: (score) => `客户情绪一直在变差，这一轮也是负面的（${score}）。`,
    },
    leaving: {
      title: '客户想要离网',
      said: (said) => `客户说："${said}"。可以考虑提供挽留方案。`,
      intent: (intent) => `客户的诉求像是"${intentWordsZh(intent)}"。可以考虑提供挽留方案。`,
    },
    competitor: { title: '客户提到竞争对手', reason: (name) => `客户提到了${name}。` },
    unverified: {
      title: '未核实身份就变更了账户',
      reason: (action, verifications) =>
        `已执行"${action}"，但之前没有核实身份（${verifications}）。`,
    },
    disclosure: {
      title: (rule) => `未告知${rule}`,
      reason: (rule, when) =>
        `${when === 'closing' ? '坐席开始结束通话前' : '到通话结束时'}仍未告知必须说明的"${rule}"。`,
    },
    promise: {
      title: '坐席做出了保证或承诺时限',
      reason: (said) =>
        `坐席说："${said}"。只承诺政策允许的内容，可以说"一般"、"预计"，不要打包票。`,
    },
  },
  playbook: {
    pending: {
      ask: '还没有询问',
      verify: '还没有核实',
      act: '还没有办理',
      offer: '还没有提出',
      confirm: '还没有确认',
    },
    byIntent: (intent) => `客户的诉求像是"${intentWordsZh(intent)}"`,
    byWords: (said) => `客户提到了"${said}"`,
    explain: (step, playbook, because) =>
      `${step.title}：${chinese.playbook.pending[step.kind]}。${step.why}（${playbook}：${because}。）`,
  },
  replies: {
    fromArticle: (title) => `依据文章"${title}"`,
    toNextStep: (title) => `推进下一步"${title}"`,
    reason: (parts) => `建议回复：${parts.join('，并')}。`,
    separator: '',
    fromConversation: '根据对话内容起草。',
    none: '无法起草回复（语言模型出错，且没有适用的流程步骤或文章）。',
  },
  answers: {
    refusal: '没有文章支持这个回答。',
    fromArticles: (titles) => `回答依据文章${titles.map((t) => `"${t}"`).join('、')}。`,
    extracted: (title) => `文章"${title}"中回答这个问题的句子。`,
  },
  similarCases: {
    reason: (outcome, date, similarity) =>
      `${date ? `${date}的` : ''}一个${outcome ? (outcomesZh[outcome] ?? outcome) : '已解决'}的案例，客户说的情况很相似（相似度${similarity}）。`,
  },
  articleCards: {
    matches: (terms) =>
      `与客户最近说的${terms
        .slice(0, 3)
        .map((term) => `"${term}"`)
        .join('、')}相符`,
    closeInMeaning: '与客户最近说的内容意思相近',
    resolvedBefore: (n) => `坐席曾在${n}次类似的通话中用到这篇文章`,
    resolvedWithCode: (n, code) => `坐席曾在${n}次结案代码为"${code}"的通话中用到这篇文章`,
  },
};

const catalogue: Record<AssistLanguage, AssistMessages> = { en: english, zh: chinese };

export function assistMessages(language: AssistLanguage): AssistMessages {
  return catalogue[language];
}
