/**
 * @example/custom-backend: A float64 backend written outside packages/, from the add-a-backend checklist.
 *
 * @packageDocumentation
 */
export {};
