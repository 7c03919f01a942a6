import { useCallback, useEffect, useRef } from 'react';

/**
 * A short two-tone beep made with WebAudio (no sound file). Browsers refuse sound before the
 * user has interacted with the page, so the audio context is created on the first click or key
 * press; until then the chime is silent and the banner's visual cue stands alone.
 */
export function useChime(): () => void {
  const context = useRef<AudioContext | null>(null);
  useEffect(() => {
    const unlock = () => {
      try {
        context.current ??= new AudioContext();
        void context.current.resume();
      } catch {
        // No audio device (or WebAudio disabled): the visual cue is enough.
      }
    };
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    return () => {
      window.removeEventListener('pointerdown', unlock);
      window.removeEventListener('keydown', unlock);
      void context.current?.close();
      context.current = null;
    };
  }, []);
  return useCallback(() => {
    const audio = context.current;
    if (!audio || audio.state !== 'running') return;
    [880, 660].forEach((frequency, index) => {
      const start = audio.currentTime + index * 0.18;
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.16);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start(start);
      oscillator.stop(start + 0.17);
    });
  }, []);
}
