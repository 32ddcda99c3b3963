// The verdict's badge, the same words and colour on every page (see verdict-words.ts).
import { Badge } from '@/components/ui/badge';
import type { VerdictDto } from '@/lib/schemas/monitoring';
import { badgeState, VERDICT_BADGES, type VerdictBadgeState } from './verdict-words';

export function VerdictBadge({
  verdict,
  served = true,
  state,
  className,
}: {
  verdict?: Pick<VerdictDto, 'state' | 'first_label'> | null;
  served?: boolean;
  /** Given instead of a verdict when the caller already knows the badge state. */
  state?: VerdictBadgeState;
  className?: string;
}) {
  const s = state ?? badgeState(verdict ?? null, served);
  const b = VERDICT_BADGES[s];
  return (
    <Badge tone={b.tone} data-testid="verdict-badge" data-state={s} className={className}>
      {b.label}
    </Badge>
  );
}
