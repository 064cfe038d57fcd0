/** Types of pack.mjs for the TypeScript tests that call it. */
export interface PackedPackage {
  name: string;
  tarball: string;
}
export function packAll(options: { out: string; build?: boolean; log?: (message: string) => void }): PackedPackage[];
