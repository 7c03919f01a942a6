import { beforeAll, describe, expect, it } from 'vitest';
import { createLanguageDetector, type LanguageDetector } from './index.js';

let detector: LanguageDetector;
beforeAll(async () => {
  detector = await createLanguageDetector();
});

describe('createLanguageDetector', () => {
  it.each([
    ['Hi, I would like to cancel my subscription please', 'en'],
    ['ok thanks', 'en'],
    ['ok', 'en'],
    ['谢谢', 'zh'],
    ['嗯', 'zh'],
    ['我想取消订单，可以吗？', 'zh'],
    ['Bonjour, je voudrais annuler ma commande', 'fr'],
    ['Hola, quiero cancelar mi pedido por favor', 'es'],
    ['Ich möchte meine Bestellung stornieren', 'de'],
    ['ありがとうございます', 'ja'],
  ])('%s → %s', (text, language) => {
    const guess = detector.detect(text);
    expect(guess.language).toBe(language);
    expect(guess.confidence).toBeGreaterThan(0);
    expect(guess.confidence).toBeLessThanOrEqual(1);
  });

  it('says "und" when there is nothing to go on', () => {
    expect(detector.detect('12345')).toEqual({ language: 'und', confidence: 0 });
    expect(detector.detect('   ')).toEqual({ language: 'und', confidence: 0 });
    expect(detector.detect('...')).toEqual({ language: 'und', confidence: 0 });
  });

  it('reads multi-line text as one utterance', () => {
    expect(detector.detect('I was charged twice\nand nobody called me back').language).toBe('en');
  });

  it('is shared and fast once loaded', async () => {
    expect(await createLanguageDetector()).toBe(detector);
    const started = performance.now();
    for (let i = 0; i < 1000; i++) detector.detect('I was charged twice for the same order');
    expect((performance.now() - started) / 1000).toBeLessThan(0.5);
  });
});
