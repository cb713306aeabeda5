/** Escape text for a markdown table cell inside a Vue template. */
export function cell(text: unknown): string;
/** The CLI reference page from `@recur/cli`'s module (undefined: not built). */
export function renderCli(cli: { COMMANDS: readonly unknown[]; GLOBAL_FLAGS?: readonly unknown[]; VERSION?: string } | undefined): string;
