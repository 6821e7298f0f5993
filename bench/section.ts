/**
 * What a benchmark section is. A section measures its cases (through bench/harness.ts), prints its own readable
 * table(s), and returns the flat object that bench/main.ts prints as the section's single JSON line
 * (`{"section":"<name>", ...}`), whose keys the issues and DESIGN.md refer to.
 *
 * Adding a section: write bench/sections/<name>.ts exporting a Section, and add it to the list in
 * bench/sections/index.ts. Nothing else changes.
 */
export type JsonScalar = number | string | boolean | null;

export interface Section {
  /** The name given on the command line (`npm run bench -- <name>`). */
  name: string;
  /** One line, printed above the section's table. */
  description: string;
  /** Measures, prints the table(s), and returns the keys of the JSON line (without `section`). */
  run(): Promise<Record<string, JsonScalar>>;
}
