/**
 * @recur/docs: The recur docs site
 *
 * @packageDocumentation
 */
export {};
