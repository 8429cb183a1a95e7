// Types of module-boundaries.js for tools/module-boundaries.spec.ts (the ESLint config imports the JS).
export interface Project {
  dir: string;
  tags: string[];
}
export const root: string;
export function readProjects(): Project[];
export function boundaryViolation(projects: Project[], file: string, spec: string): string | undefined;
export const moduleBoundaries: unknown;
