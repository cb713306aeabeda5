/** Errors of @recur/datasets. */
import { RecurDataError } from '@recur/data';

/** The dataset name is not in the catalogue. Suggests the nearest name. */
export class UnknownDatasetError extends RecurDataError {
  /** Set explicitly so the name survives minification (bundlers rename classes). */
  override name = 'UnknownDatasetError';
  /** The nearest dataset name, if one is close. */
  readonly suggestion: string | undefined;
  constructor(name: string, available: readonly string[], suggestion: string | undefined) {
    super(
      'E_INVALID_ARGUMENT',
      `Unknown dataset ${JSON.stringify(name)}.` +
        (suggestion !== undefined ? ` Did you mean ${JSON.stringify(suggestion)}?` : '') +
        ` Available: ${available.map((a) => JSON.stringify(a)).join(', ')} (see listDatasets()).`,
    );
    this.suggestion = suggestion;
  }
}
