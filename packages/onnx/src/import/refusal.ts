/** Internal: a node the importer cannot map. Caught per node by the interpreter and collected. */
export class NodeRefusal extends Error {
  constructor(
    readonly need: string,
    readonly attribute?: string,
  ) {
    super(need);
  }
}

/** Throws a {@link NodeRefusal}. */
export function refuse(need: string, attribute?: string): never {
  throw new NodeRefusal(need, attribute);
}
