// Worst-case inputs for PII redaction (issue 17): repeated pieces a chat customer can paste.
// Usage: N=65536 REPS=3 npx tsx evaluations/redaction-bench.ts   (ONLY=name,name to pick)
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
};
const only = process.env.ONLY;
for (const [name, text] of Object.entries(inputs)) {
  if (only && !only.split(',').includes(name)) continue;
  const times: number[] = [];
  let r;
  for (let k = 0; k < Number(process.env.REPS ?? 3); k++) {
    const t0 = performance.now();
    r = redactPii(text, { mode: 'mask' });
    times.push(performance.now() - t0);
  }
  console.log(
    name.padEnd(14),
    String(text.length).padStart(6),
    times.map((t) => t.toFixed(1).padStart(8)).join(''),
    'ms',
    r!.findings.length,
  );
}
