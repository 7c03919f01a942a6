/**
 * The words auto-QA listens for: greetings, verification, empathy, displeasure, resolution and
 * closing. Phrase lists, not models: each check must show its evidence, and a QA team reads and
 * argues with these when it calibrates the scorecard.
 */
/*
 * Chinese cues sit beside the English ones in the same patterns: Chinese has no spaces, so they
 * are plain substrings (no `\b`), and each lists its traditional form where it differs, because
 * no normaliser runs before QA and Taiwan and Hong Kong centres write 歡迎, 對不起, 還有.
 */
function withChinese(english: RegExp, chinese: readonly string[]): RegExp {
  return new RegExp(`${english.source}|${chinese.join('|')}`, english.flags);
}

export const greetingPattern = withChinese(
  /\b(hello|hi|hey|good (?:morning|afternoon|evening)|welcome|thank(?:s| you) for (?:calling|contacting|reaching out))\b/i,
  [
    '您好',
    '你好',
    '早上好',
    '下午好',
    '晚上好',
    '欢迎致电',
    '歡迎致電',
    '欢迎来电',
    '歡迎來電',
    '感谢致电',
    '感謝致電',
  ],
);
export const offerHelpPattern = withChinese(
  /\b(how (?:can|may) i help|what can i do for you|how can i assist)\b/i,
  [
    '很高兴为您服务',
    '很高興為您服務',
    '有什么可以帮',
    '有什麼可以幫',
    '有什么需要帮',
    '有什麼需要幫',
  ],
);
export const verifyPattern = withChinese(
  /\b(verif\w*|confirm (?:your|the) (?:identity|name|date of birth|address|email|phone number|account number|zip|postcode|pin|security)|security question|date of birth|last four|zip code|postcode|pin)\b/i,
  [
    '核实',
    '核實',
    '验证',
    '驗證',
    '身份',
    '身分',
    '出生日期',
    '后四位',
    '後四位',
    '安全问题',
    '安全問題',
  ],
);
/** An agent saying a change is done: "I've refunded", "已为您办理退款", "帮您取消了". */
export const changeStatementPattern = withChinese(
  /\b(i(?:'ve| have)|we(?:'ve| have))\s+(?:now\s+)?(updated|changed|reset|cancel\w*|refunded|credited|closed|upgraded|downgraded)\b/i,
  [
    String.raw`已(?:经|經)?(?:为您|為您|帮您|幫您|给您|給您)?(?:修改|更改|重置|取消|退款|退回|注销|註銷|升级|升級|降级|降級|更新)`,
    String.raw`(?:帮您|幫您|为您|為您)(?:修改|更改|重置|取消|注销|註銷|升级|升級|降级|降級|更新)(?:了|好)`,
    // "已经帮您把缴费日期调整到月底": the 把 form of the same change.
    String.raw`已(?:经|經)?(?:为您|為您|帮您|幫您|给您|給您)?把[^，。！？]{1,12}(?:修改|更改|改成|改为|改為|改到|调整|調整|延后|延後|延期|取消|注销|註銷|升级|升級|降级|降級|更新|重置|换成|換成)`,
    // "已经为您申请退款", "给您申请了二十元的补偿": a request made on the account is a change too.
    String.raw`(?:已(?:经|經)?|为您|為您|帮您|幫您|给您|給您)(?:申请|申請|办理|辦理)了?[^，。！？]{0,10}(?:退款|补偿|補償|减免|減免|销户|銷戶|注销|註銷|停机|停機|延期|延后|延後|变更|變更)`,
  ],
);
export const changeActionPattern =
  /\b(update|change|reset|cancel|refund|credit|modify|close|upgrade|downgrade|remove|add)\w*/i;
export const verifyActionPattern = /verif|authenticat|identity/i;
export const empathyPattern = withChinese(
  /\b(sorry|apologi[sz]e|understand (?:how|your|that)|i understand|frustrat\w*|that must be|i can imagine|i hear you|appreciate your patience)\b/i,
  [
    '抱歉',
    '对不起',
    '對不起',
    '不好意思',
    '理解您',
    '理解你',
    '非常理解',
    '能理解',
    '给您带来不便',
    '給您帶來不便',
    '给您带来困扰',
    '給您帶來困擾',
    '让您久等',
    '讓您久等',
    '感谢您的耐心',
    '感謝您的耐心',
  ],
);

/**
 * Words a customer uses to say they are unhappy. Lexicon sentiment misses many of them: "I'm
 * honestly pretty annoyed" scores positive on "honestly" and "pretty".
 */
const displeasurePattern = new RegExp(
  [
    String.raw`\b(?:annoy(?:ed|ing)|frustrat(?:ed|ing)|angry|mad at|furious|livid|upset|irritat(?:ed|ing)|outrage(?:d|ous)|disappoint(?:ed|ing)|fed up|sick (?:and tired )?of|tired of|had enough|ridiculous|unacceptable|absurd|disgrace(?:ful)?|terrible|awful|horrible|useless|worst|pathetic|a joke|a nightmare|a waste of (?:my )?time)\b`,
    // Repeat contacts: "this is the second time", "it keeps happening".
    String.raw`\b(?:the|a) (?:second|third|fourth|fifth|\w+th|umpteenth|nth) time\b`,
    String.raw`\b(?:keeps|kept) (?:happening|doing this|charging)\b`,
    String.raw`\bnot (?:the )?first time\b`,
    // Threats to leave: "if it happens again I'm leaving", "switch to another service".
    String.raw`\bif\b[^.!?]*\b(?:i'?m|i am|i'?ll|i will|i'?m going to|i am going to|gonna)\s+(?:just\s+)?(?:leav|cancel|switch|go elsewhere|take my business|clos\w* my account|find another)`,
    String.raw`\b(?:switch(?:ing)? to|go(?:ing)? (?:to|with)) (?:another|a different|a competitor|your competitor|someone else)\b`,
    String.raw`\btake my (?:business|money) elsewhere\b`,
    String.raw`\b(?:speak|talk) to (?:a|your) (?:manager|supervisor)\b`,
    String.raw`\b(?:file|make|raise) a (?:formal )?complaint\b`,
  ].join('|'),
  'gi',
);
/**
 * Chinese displeasure: anger, "too much", disappointment, complaints, repeat contacts and threats
 * to leave ("如果再这样，我就取消服务，换别家"). Plain substrings; negation is checked separately.
 */
const chineseDispleasurePattern = new RegExp(
  [
    '气人|氣人|生气|生氣|气死|氣死|恼火|惱火|火大|烦死|煩死|受不了|忍无可忍|忍無可忍',
    '过分|過分|离谱|離譜|不像话|不像話|无语|無語|太差|差劲|差勁|坑人|骗人|騙人|垃圾',
    '不满|不滿|不太满意|不太滿意|失望|投诉|投訴|找(?:你们|你們)?(?:领导|領導|主管|经理|經理)',
    '第[二三四五几幾]次|又(?:扣|错|錯|出问题|出問題)|总是|總是|老是',
    // Waiting and what it costs the customer: "这么久？", "很耽误事", "等了半天".
    '这么久|這麼久|那么久|那麼久|耽误|耽誤|等了(?:好久|半天|很久|这么久|這麼久)',
    '换别家|換別家|换一家|換一家|换个(?:运营商|運營商|公司|牌子)|換個(?:運營商|公司|牌子)|不用(?:你们|你們)|(?:取消|退订|退訂|销户|銷戶)(?:服务|服務|账户|賬戶)?[^。！？!?]{0,4}(?:换|換)',
    String.raw`(?:如果|要是|再)[^。！？!?]{0,12}(?:就|我)[^。！？!?]{0,4}(?:取消|退订|退訂|销户|銷戶|换|換)`,
  ].join('|'),
  'g',
);
/** "不生气", "没有不满", "并不失望": a negation just before a Chinese cue cancels it. */
const chineseNegationBefore =
  /(?:不|没有?|沒有?|别|別|并不|並不|一点也不|一點也不)(?:太|很|是很)?$/;

/** Phrases that are displeasure because of their negation. */
const negatedContentPattern =
  /\b(?:not (?:happy|ok(?:ay)?|acceptable|fair|good enough|impressed|satisfied)|unhappy|dissatisfied|can(?:'t|not) believe)\b/i;
/** "not upset", "never annoyed", "isn't ridiculous": a negation just before the cue cancels it. */
const negationBefore = /\b(?:not|never|no|nothing|\w*n't)\W+(?:\w+\W+){0,2}$/i;

/** Sentiment at or below this is clearly negative (both the live analyzer and the lexicon). */
export const upsetSentiment = -0.4;

/** The agent states that the fix is in place: "Done, the credit is applied to your bill." */
const chineseResolution = [
  '还有什么可以帮|還有什麼可以幫|还有其他问题|還有其他問題|还有别的|還有別的|问题解决了吗|問題解決了嗎',
  String.raw`已(?:经|經)?(?:为您|為您|帮您|幫您|给您|給您)?(?:处理|處理|办理|辦理|提交|安排|完成|退款|退回|取消|修改|更改|开通|開通|恢复|恢復|解决|解決)`,
  '(?:为您|為您|帮您|幫您)(?:处理|處理|办理|辦理|安排|申请|申請|退款|退回)',
  '安排(?:好|了)|处理好|處理好|搞定|解决了|解決了',
  String.raw`已(?:经|經)?(?:为您|為您|帮您|幫您|给您|給您)?把[^，。！？]{1,12}(?:修改|更改|改成|改为|改為|改到|调整|調整|延后|延後|延期|取消|更新|重置|换成|換成)`,
  '工作日内|工作日內|个工作日|個工作日|会收到|會收到|会到账|會到賬|会退回|會退回',
  // Next steps with a time or a notice: "预计明天中午前修好", "修好后我们会短信通知您".
  '(?:预计|預計)[^。！？!?]{0,12}(?:恢复|恢復|修好|修复|修復|到账|到賬|送达|送達|完成|处理好|處理好)',
  '(?:会|會|将|將)(?:发|發)?(?:短信|邮件|郵件|电话|電話)?通知(?:您|你)',
  '(?:改|办|辦|弄|修|设置|設置|调|調|换|換|处理|處理)好了',
];
export const resolutionPattern = new RegExp(
  [
    String.raw`\b(?:is there anything else|does that (?:help|solve|fix|answer)|have i (?:resolved|answered)|is (?:that|everything) (?:ok|okay|resolved|working|clear)|did that (?:help|work)|resolved (?:your|the) (?:issue|problem)|next steps?|you will (?:receive|get|see)|you(?:'ll| will) (?:receive|get|see))\b`,
    String.raw`^\W*(?:ok(?:ay)?\W+|great\W+|perfect\W+)?(?:all )?done\b`,
    String.raw`\b(?:you(?:'re| are) all set|all sorted|taken care of|(?:that|it|this|everything)(?:'s| is| has been) (?:now )?(?:done|sorted|fixed|resolved|complete|completed|in place))\b`,
    String.raw`\b(?:has|have) (?:now |just )?been (?:applied|processed|issued|refunded|credited|cancel{1,2}ed|updated|changed|reset|fixed|resolved|added|removed|scheduled|sent|activated|reactivated|restored|submitted|waived)\b`,
    String.raw`\bi(?:'ve| have) (?:now |just |already )?(?:applied|processed|issued|refunded|credited|cancel{1,2}ed|updated|changed|reset|fixed|resolved|added|removed|scheduled|sent|activated|reactivated|restored|submitted|waived)\b`,
    String.raw`\b(?:is|are) (?:now )?(?:applied|active|activated|processed|cancel{1,2}ed|credited|refunded|waived) (?:to|on|for|from) your\b`,
    ...chineseResolution,
  ].join('|'),
  'i',
);
export const closingPattern = withChinese(
  /\b(?:anything else|have a (?:great|nice|good|wonderful|lovely|fantastic|pleasant|safe) (?:day|evening|night|weekend|afternoon|morning|one|rest of (?:your|the) day)|enjoy (?:your|the rest of your) (?:day|evening|weekend)|thank(?:s| you)(?: so much| again)? for (?:calling|contacting|reaching out|getting in touch|chatting|your (?:patience|time|call|business|loyalty|understanding)|being (?:with|a)|staying(?: with)?|choosing|sticking with)|(?:we )?appreciate your (?:business|loyalty)|take care|good ?bye|bye)\b/i,
  [
    '还有什么可以帮|還有什麼可以幫|还有其他(?:问题|需要)|還有其他(?:問題|需要)',
    '(?:感谢|感謝|谢谢|謝謝)(?:您的)?(?:来电|來電|耐心|理解|支持|配合)',
    '祝您[^。！？!?]{0,6}(?:愉快|顺利|順利)|再见|再見|拜拜',
  ],
);
/** A last sentence that only thanks the customer ("Thank you, Dana!") also closes a chat. */
export const thanksOnlyPattern =
  /^\W*thank(?:s| you)(?: (?:so|very) much| again)?(?:,? [\p{L}' ]{1,30})?\W*$/iu;

/** A displeasure cue in the text that no negation just before it cancels. */
export function displeasureCue(text: string): string | undefined {
  const negated = negatedContentPattern.exec(text);
  if (negated) return negated[0];
  for (const match of text.matchAll(displeasurePattern)) {
    const before =
      text
        .slice(0, match.index)
        // A negation reaches to the next comma or "but": "not angry, just disappointed".
        .split(/[.!?;,]|\bbut\b/i)
        .pop() ?? '';
    if (!negationBefore.test(before)) return match[0];
  }
  for (const match of text.matchAll(chineseDispleasurePattern))
    if (!chineseNegationBefore.test(text.slice(0, match.index))) return match[0];
  return undefined;
}
