import type { FC } from 'hono/jsx';
import type { FieldError } from '../validation.js';
import { CsrfField } from './layout.js';

/** One input of a command form; `name` is the API body's field (dotted for nested ones). */
export interface FormField {
  readonly name: string;
  readonly label: string;
  readonly type: 'text' | 'textarea' | 'date' | 'datetime-local' | 'money' | 'select' | 'email' | 'tel';
  readonly options?: readonly { readonly value: string; readonly label: string }[];
  readonly hint?: string;
  readonly required?: boolean;
  /** The value shown before anything was typed (the current contact, say). */
  readonly initial?: string;
}

export interface CommandFormSpec {
  /** Unique on the page: the form's id is `form-<id>`, its inputs `<id>-<field>`. */
  readonly id: string;
  readonly legend: string;
  readonly action: string;
  readonly fields: readonly FormField[];
  readonly submit: string;
  readonly danger?: boolean;
}

/** What the last submission of a form left to show: the refusal and the input, kept as typed. */
export interface FormOutcome {
  readonly formId: string;
  readonly detail: string;
  readonly errors: readonly FieldError[];
  readonly input: Readonly<Record<string, string>>;
}

const inputId = (form: string, field: string) => `${form}-${field.replaceAll('.', '-')}`;

/** Errors that name a field of the form go next to it; the rest (a refusal naming the invoice) head the form. */
function errorsFor(outcome: FormOutcome | undefined, fields: readonly FormField[]) {
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const error of outcome?.errors ?? []) {
    const field = fields.find((f) => f.name === error.field) ?? fields.find((f) => f.name.startsWith(`${error.field}.`));
    if (field) byField.set(field.name, [...(byField.get(field.name) ?? []), error.message]);
    else general.push(error.field && error.field !== 'body' ? `${error.field}: ${error.message}` : error.message);
  }
  return { byField, general };
}

/**
 * A command as a plain HTML form (works without JavaScript): labelled inputs, the CSRF field, and
 * after a refusal the reason at its head (role="alert") and each field's own message next to it
 * (aria-describedby, aria-invalid), with what the user typed kept.
 */
export const CommandForm: FC<{ spec: CommandFormSpec; csrfToken: string; outcome?: FormOutcome | undefined }> = ({ spec, csrfToken, outcome }) => {
  const mine = outcome?.formId === spec.id ? outcome : undefined;
  const { byField, general } = errorsFor(mine, spec.fields);
  const formId = `form-${spec.id}`;
  return (
    <form method="post" action={spec.action} id={formId} class="command-form" aria-labelledby={`${formId}-legend`}>
      <fieldset>
        <legend id={`${formId}-legend`}>{spec.legend}</legend>
        <CsrfField token={csrfToken} />
        {mine && (
          <div class="errors" role="alert" id={`${formId}-errors`}>
            <p>Refused: {mine.detail}</p>
            {general.length > 0 && (
              <ul>
                {general.map((message) => (
                  <li>{message}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {spec.fields.map((field) => {
          const id = inputId(spec.id, field.name);
          const messages = byField.get(field.name);
          const errorId = `${id}-error`;
          const hintId = `${id}-hint`;
          const describedBy = [field.hint ? hintId : '', messages ? errorId : ''].filter(Boolean).join(' ') || undefined;
          const value = mine ? (mine.input[field.name] ?? '') : (field.initial ?? '');
          const common = { id, name: field.name, 'aria-describedby': describedBy, 'aria-invalid': messages ? 'true' : undefined, required: field.required };
          return (
            <div class="field">
              <label for={id}>{field.label}</label>
              {field.hint && (
                <span class="hint" id={hintId}>
                  {field.hint}
                </span>
              )}
              {field.type === 'textarea' ? (
                <textarea {...common} rows={2}>
                  {value}
                </textarea>
              ) : field.type === 'select' ? (
                <select {...common}>
                  {(field.options ?? []).map((option) => (
                    <option value={option.value} selected={option.value === value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              ) : (
                <input {...common} type={field.type === 'money' ? 'text' : field.type} inputmode={field.type === 'money' ? 'decimal' : undefined} value={value} />
              )}
              {messages && (
                <span class="error" id={errorId}>
                  {messages.join('; ')}
                </span>
              )}
            </div>
          );
        })}
        <p>
          <button type="submit" class={spec.danger ? 'danger' : undefined}>
            {spec.submit}
          </button>
        </p>
      </fieldset>
    </form>
  );
};

/** The form's fields as typed, for showing them again after a refusal. */
export function typedInput(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter(([name, value]) => !name.startsWith('_') && typeof value === 'string') as [string, string][]);
}
