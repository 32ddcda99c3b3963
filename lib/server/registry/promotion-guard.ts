// The promotion guard: moving `production` (or splitting it) onto a version whose inputs, feature
// names or classes differ from the current production version would break its clients at the next
// request. Refused with 409 naming each difference, unless the request says `force: true`; then
// the move's event records that it was forced and what differed (lib/version-differences).
import { findAlias } from '../../../db/queries/aliases';
import { findVersion } from '../../../db/queries/versions';
import type { ModelRow, VersionRow } from '../../../db/schema';
import { AppError } from '../../errors';
import { versionDifferences } from '../../version-differences';
import { db } from '../lookups';

const comparable = (v: VersionRow) => ({ number: v.number, signature: v.signature, feature_names: v.featureNames });

/**
 * Checks the versions about to serve `alias`. Returns the differences when the move is forced
 * (null when there are none, or the alias is not production, or production is not set yet).
 */
export async function guardPromotion(model: ModelRow, alias: string, candidates: VersionRow[], force: boolean | undefined): Promise<string[] | null> {
  if (alias !== 'production') return null;
  const current = await findAlias(db(), { modelId: model.id, alias });
  if (!current) return null;
  const live = await findVersion(db(), { modelId: model.id, number: current.number });
  if (!live) return null;
  const others = candidates.filter((v) => v.number !== live.number);
  const differences = others.flatMap((v) =>
    versionDifferences(comparable(live), comparable(v), model.task).map((d) => (others.length > 1 ? `v${v.number}: ${d}` : d)),
  );
  if (differences.length === 0) return null;
  if (force) return differences;
  const which = others.map((v) => `v${v.number}`).join(', ');
  const body = others.length === 1 ? `{"version": ${others[0].number}, "force": true}` : '"force": true with the split';
  throw new AppError(
    'conflict',
    `version: ${which} ${others.length > 1 ? 'differ' : 'differs'} from production (v${live.number}), whose clients would break: ${differences.join('; ')}. Send ${body} to promote anyway`,
    differences.map((message) => ({ path: 'version', message })),
  );
}
