export function testFiles(root: string): string[];
export function laneOf(root: string, file: string): "unit" | "integration" | "e2e";
