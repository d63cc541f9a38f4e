import { useId, type InputHTMLAttributes } from 'react';

interface FormFieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  errors?: string[];
  hint?: string;
}

/** A labelled input whose errors are announced and tied to it with aria-describedby. */
export function FormField({ label, errors = [], hint, id, className, ...input }: FormFieldProps) {
  const generatedId = useId();
  const inputId = id ?? generatedId;
  const describedBy = `${inputId}-desc`;
  const invalid = errors.length > 0;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        className="input"
        aria-invalid={invalid || undefined}
        aria-describedby={invalid || hint ? describedBy : undefined}
        {...input}
      />
      {(invalid || hint) && (
        <div id={describedBy} className={invalid ? 'field-error' : 'field-hint'}>
          {invalid ? errors.join('; ') : hint}
        </div>
      )}
    </div>
  );
}
