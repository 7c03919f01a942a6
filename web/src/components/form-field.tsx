import type { ReactNode } from 'react';

/** What the control must carry for its label and hint to be read with it. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
}

interface FormFieldProps {
  id: string;
  label: ReactNode;
  /** Shown under the control and read as its description. */
  hint?: ReactNode;
  children: (control: FieldControlProps) => ReactNode;
}

/**
 * A label tied to its control by id, and an optional hint the control is described by. It adds
 * no wrapper, so the field lays out as a direct child of whatever grid it is placed in.
 */
export function FormField({ id, label, hint, children }: FormFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {children(hintId === undefined ? { id } : { id, 'aria-describedby': hintId })}
      {hint === undefined ? null : (
        <p id={hintId} className="meta">
          {hint}
        </p>
      )}
    </>
  );
}
