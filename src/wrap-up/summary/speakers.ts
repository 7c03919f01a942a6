/**
 * How a summary refers to a speaker. Anonymised numbered speakers ("person1", "#Person2#",
 * "speaker 3") keep the tag convention of anonymised transcripts (`#Person1#`), so names in the
 * summary match names in the transcript; role names (customer, agent) become "Customer", "Agent".
 */
export function speakerLabel(speaker: string): string {
  const trimmed = speaker.trim();
  const numbered = /^#?\s*(person|speaker|spk|participant)\s*[_-]?\s*(\d+)\s*#?$/i.exec(trimmed);
  if (numbered) return `#${capitalize(numbered[1]!.toLowerCase())}${numbered[2]}#`;
  if (trimmed === '') return 'Someone';
  return capitalize(trimmed.replace(/[_-]+/g, ' '));
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Whether a label is a role noun ("Customer") that reads better with "the" mid-sentence. */
export function isRoleLabel(label: string): boolean {
  return /^(customer|agent|caller|client|user|bot|representative|rep|advisor|assistant)$/i.test(
    label,
  );
}

/** Roles that speak for the company: their "we" is the company, not "the agent and the customer". */
export function isServiceRole(label: string): boolean {
  return /^(agent|bot|representative|rep|advisor|assistant)$/i.test(label);
}
