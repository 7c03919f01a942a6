import type { SelectHTMLAttributes } from 'react';
import { languageName } from '../format.js';

/** The languages the demo base and the analyzers handle; an article in another keeps its own. */
const KNOWN_LANGUAGES = ['en', 'zh'];

/**
 * A language picked by name ("Chinese"), sent as its code ("zh"): knowledge managers should not
 * have to know codes. `anyLabel` adds a first choice meaning "no language".
 */
export function LanguageSelect({
  value,
  anyLabel,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children' | 'value'> & {
  value: string;
  anyLabel?: string;
}) {
  const codes =
    value && !KNOWN_LANGUAGES.includes(value) ? [...KNOWN_LANGUAGES, value] : KNOWN_LANGUAGES;
  return (
    <select value={value} {...rest}>
      {anyLabel !== undefined ? <option value="">{anyLabel}</option> : null}
      {codes.map((code) => (
        <option key={code} value={code}>
          {languageName(code)}
        </option>
      ))}
    </select>
  );
}
