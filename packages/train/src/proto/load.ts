/**
 * Loads one of Latentkit's .proto files with protobufjs, field names kept snake_case (keepCase) as in
 * TensorFlow's and TensorBoard's own .proto files. Imports resolve as protoc's `-I` would with this
 * folder as the include path: `import "tensor.proto";` in any file names src/proto/tensor.proto, the
 * TensorProto and TensorShapeProto that the compiled step's GraphDef and the TensorBoard writer share.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** This folder: where imports are looked up. */
const INCLUDE_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * The root holding `file`'s messages and those of every file it imports, all types resolved.
 * @throws Error from protobufjs when a file is missing, does not parse or names an unknown type.
 */
export function loadProto(file: URL): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => (origin === '' ? target : join(INCLUDE_DIR, target));
  return root.loadSync(fileURLToPath(file), { keepCase: true });
}
