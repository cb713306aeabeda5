/** Internal: a node the importer cannot map. Caught per node by the interpreter and collected. */
export interface RefusalItem {
  readonly need: string;
  readonly attribute?: string;
}

export class NodeRefusal extends Error {
  override name = 'NodeRefusal';
  readonly items: readonly RefusalItem[];
  constructor(items: readonly RefusalItem[]) {
    super(items.map((i) => i.need).join('; '));
    this.items = items;
  }
}

/** Throws a {@link NodeRefusal} for one problem. */
export function refuse(need: string, attribute?: string): never {
  throw new NodeRefusal([{ need, ...(attribute !== undefined ? { attribute } : {}) }]);
}
