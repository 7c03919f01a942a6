import { buildTranscript } from './test-transcript.js';

/**
 * The Mandarin billing call of issue 18, as a stored transcript: a double charge, an apology,
 * a threat to cancel and switch provider, a refund promised in 3 to 5 working days, a polite
 * close. Wrap-up tests share it so that QA and the wrap-up code are judged on the same call.
 */
export const mandarinBillingCall = buildTranscript([
  ['agent', '您好，欢迎致电光波客服，我是小李，很高兴为您服务。请问有什么可以帮您？'],
  ['customer', '我这个月的账单被扣了两次，同一笔费用重复扣费，太气人了！'],
  [
    'agent',
    '非常抱歉给您带来不便，我非常理解您的心情。为了您的账户安全，我先核实一下您的身份，麻烦提供一下手机号后四位。',
  ],
  ['customer', '后四位是5678。'],
  { action: 'verify-identity' },
  ['agent', '好的，身份验证通过。我看到11月3日有两笔24.99元的扣费，第二笔确实是重复扣费。'],
  ['customer', '如果再这样，我就取消服务，换别家了。'],
  ['agent', '真的很抱歉。我现在就为您处理退款，多扣的24.99元会退回到您尾号4242的银行卡。'],
  { action: 'issue-refund' },
  ['customer', '退款要多久才能到账？'],
  ['agent', '退款已经提交，3到5个工作日内会退回到您的原支付账户。'],
  ['customer', '好的，谢谢。'],
  ['agent', '不客气。请问还有什么可以帮您的吗？感谢来电，祝您生活愉快，再见！'],
]);

/** The same kind of call handled badly: no greeting, no check, no apology, no close. */
export const mandarinCurtCall = buildTranscript([
  ['agent', '账号。'],
  ['customer', '我被扣了两次钱，太过分了！'],
  { action: 'issue-refund' },
  ['agent', '行。'],
]);
