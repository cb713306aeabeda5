/** "text (in the repository)" when the text already is the path, else "text (`path` in the repository)". */
export function repositoryMention(text: string, path: string): string;
/** Links of a /docs page that leave docs/ become repository paths (the site has no such page). */
export function localiseLinks(markdown: string, fromDir: string, repo: string): string;
