// Types of echo-forms.mjs (plain JavaScript) for the TypeScript tests.
export function echoForms(s: string): Record<string, string>
export function echoText(values: string[]): string
