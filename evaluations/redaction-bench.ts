// Worst-case inputs for PII redaction (issue 17): repeated pieces a chat customer can paste.
// Usage: N=65536 REPS=3 npx tsx evaluations/redaction-bench.ts   (ONLY=name,name to pick)
// Prints the best wall time and the best CPU time of REPS runs (CPU time is steadier on a shared
// machine), then the number of findings.
import { redactPii } from '../src/understanding/pii/redact.js';
const N = Number(process.env.N ?? 20000);
const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const fill = (unit: string, len = N) => unit.repeat(Math.ceil(len / unit.length)).slice(0, len);
const inputs: Record<string, string> = {
  spokenDigits: fill(words.map((w) => w + ' ').join('')),
  aDot: 'a.'.repeat(N / 2),
  aDot20k: 'a.'.repeat(N),
  digitsSep: fill('1234 '),
  digitsDash: fill('1-'),
  digitsOnly: fill('1'),
  emailish: fill('a@'),
  emailDots: fill('a.a@'),
  spaces: ' '.repeat(N) + 'x',
  spacesDigits: fill('1 '),
  cjk: fill('一二三四五六七八九零'),
  cjkAddr: fill('北京市朝阳区'),
  cjkRoad: fill('路一'),
  spokenEmail: fill('a dot '),
  spokenEmail2: fill('a at '),
  address: fill('1 Main '),
  tensTeens: fill('twenty one thirteen '),
  hundreds: fill('four thousand one hundred eleven '),
  ibanish: fill('GB82 '),
  ibanLong: 'GB82' + fill(' A', N - 4),
  ni: fill('AB 12 '),
  mixed: fill('1 one 一 '),
  wordsDots: fill('a. '),
  separators: fill('1 - . , ( ) '),
  sepRun: fill('1' + ' '.repeat(3)),
  cjkDigitsMix: fill('1一2二3三'),
  spokenMix: fill('one 1 一 oh double five '),
  contextWords: fill('card ssn phone order 1 '),
  contextDense: fill('my card number is 4 '),
  cardsPlanted: fill('4111 1111 1111 1111 '),
  idContext: fill('ssn 1 1 1 1 1 1 1 1 '),
  emails: fill('a.b@c.de '),
  emailsSpoken: fill('a dot b at c dot com '),
  urls: fill('a/b@c '),
  placeholders: fill('[PHONE] 1 '),
  currency: fill('$1 2 3 4 5 dollars '),
  chineseId: fill('11010519491231002X '),
  plusPhones: fill('+1 '),
  parens: fill('(1) '),
};
const only = process.env.ONLY;
for (const [name, text] of Object.entries(inputs)) {
  if (only && !only.split(',').includes(name)) continue;
  let wall = Infinity;
  let cpu = Infinity;
  let r;
  for (let k = 0; k < Number(process.env.REPS ?? 3); k++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    r = redactPii(text, { mode: 'mask' });
    const used = process.cpuUsage(c0);
    wall = Math.min(wall, performance.now() - t0);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  console.log(
    name.padEnd(14),
    String(text.length).padStart(7),
    `${wall.toFixed(1).padStart(8)} ms wall`,
    `${cpu.toFixed(1).padStart(8)} ms cpu`,
    String(r!.findings.length).padStart(6),
  );
}
