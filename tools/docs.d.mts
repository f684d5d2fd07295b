// Types of docs.mjs (plain JavaScript) for the TypeScript tests.
/** The README's inputs and outputs tables as Markdown (not yet formatted), from action.yml's text. */
export function tablesOf(actionYml: string): { inputs: string; outputs: string }
/** README.md with its tables regenerated from action.yml, formatted as Prettier formats README.md. */
export function render(readme: string, actionYml: string): Promise<string>
/** The lines only one of the two texts has: `+ ` what the README lacks, `- ` what it has in excess. */
export function differences(actual: string, expected: string): string[]
