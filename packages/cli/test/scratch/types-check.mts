// A user's strict TypeScript project: the packages' .d.ts, found through each export's "types".
import { LatentModel, type TensorData } from '@latentkit/runtime';
import { LatentModel as WebModel } from '@latentkit/runtime/web';
import { createApp } from '@latentkit/runtime/http';
import { LatentSampleElement } from '@latentkit/demo/elements';
import { serveDemo } from '@latentkit/demo';
import { runCommand } from 'latentkit';

const model: LatentModel = await LatentModel.load('runs/tiny/bundle');
const images: TensorData = (await model.sample(2)).images;
const shape: readonly number[] = images.shape;
const app = createApp(await WebModel.load(new URL('http://127.0.0.1/bundle/')));
const element: typeof HTMLElement = LatentSampleElement;
void [shape, app, element, serveDemo, runCommand];
// @ts-expect-error: a count, not a string (fails to compile if the types were `any`)
await model.sample('2');
