// Declarations for generate-types.mjs so the spec can import it under strict TypeScript.
export declare const SCHEMA_FILE: string;
export declare const OUTPUT_FILE: string;
export interface RawSchema {
  $id: string;
  [keyword: string]: unknown;
}
export declare function loadSchemas(): RawSchema[];
export declare function typeNameOf(id: string): string;
export declare function generateTypes(schemas?: RawSchema[]): Promise<string>;
