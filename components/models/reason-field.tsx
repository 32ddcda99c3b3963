// "Why?" for a promotion or a rollback: optional, at most 500 characters, kept in the timeline.
import { Field, Textarea } from '@/components/ui/field';

export const REASON_MAX = 500;

export function ReasonField({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <div className="mt-3">
      <Field id={id} label="Reason (optional)" hint={`Kept in the timeline. ${REASON_MAX - value.length} characters left.`}>
        <Textarea
          id={id}
          value={value}
          maxLength={REASON_MAX}
          rows={2}
          placeholder="e.g. better recall on the March data"
          onChange={(e) => onChange(e.target.value)}
        />
      </Field>
    </div>
  );
}

/** The reason to send: trimmed, or none when empty. */
export const reasonOf = (v: string) => (v.trim() ? v.trim() : undefined);
