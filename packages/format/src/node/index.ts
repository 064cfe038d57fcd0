/**
 * @latentkit/format/node: the file-system half of the contract (Node only): atomic writes and the
 * run/bundle finder with its one rule for "newest".
 */
export { writeFileAtomic, writeJsonAtomic, tempPathFor, syncFolder } from './atomic-write.ts';
export {
  findRuns, findBundles, newestRun, newestBundle, readRunManifest, readBundleManifest, compareNewestFirst, isBundleDir, workspaceRoot,
  type FoundRun, type FoundBundle, type Found,
} from './find.ts';
export {
  reportCliError, runCli, isInputError, isEntryPoint, errorCode, EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, type ReportOptions,
} from './cli-exit.ts';
