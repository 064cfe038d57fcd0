/**
 * `pnpm train --conditional [COLUMN]`: turns the run's spec into a conditional VAE over the classes
 * of its data (@latentkit/format model-spec.ts `conditional`). Labels come from the data: Fashion-
 * MNIST's own ten classes (npm package or IDX folder), an image folder's subfolders (one per class),
 * or, with COLUMN, a +1/-1 attribute column (CelebA's list_attr_celeba.csv, an image folder's
 * attribute CSV) as two classes [`not COLUMN`, `COLUMN`] (@latentkit/data labelsFromAttribute).
 */
import { labelsFromAttribute } from '@latentkit/data';
import type { ModelSpec } from '@latentkit/format';
import { ValueError } from '../errors.ts';
import { LABEL_SOURCES } from '../training/loop.ts';
import type { Dataset } from '../types.ts';

export interface ConditionedRun {
  spec: ModelSpec;
  train: Dataset;
  validation: Dataset;
}

/**
 * The spec conditioned on the data's classes, and the datasets (relabelled from `conditional` when
 * it names an attribute column). `conditional` undefined returns everything unchanged.
 * @throws ValueError (exit 2) saying where labels come from when the data has none;
 *   DataOptionError naming the columns when COLUMN is not one of the data's attributes.
 */
export function conditionRun(spec: ModelSpec, data: { train: Dataset; validation: Dataset }, conditional: true | string | undefined): ConditionedRun {
  if (conditional === undefined) return { spec, ...data };
  const train = typeof conditional === 'string' ? labelsFromAttribute(data.train, conditional) : data.train;
  const validation = typeof conditional === 'string' ? labelsFromAttribute(data.validation, conditional) : data.validation;
  const classes = train.labelNames;
  if (!classes || classes.length < 2) {
    throw new ValueError(
      `--conditional needs labelled data, and ${train.name} (${train.source}) has ${classes ? 'one class only' : 'no labels'}. Labels come from ` +
        `Fashion-MNIST (no --data, or an IDX folder), an image folder with one subfolder per class (data/shoes/*.png, data/bags/*.png), ` +
        `or a +1/-1 attribute column of a CelebA-format folder: --conditional Smiling`,
    );
  }
  if (spec.conditional && spec.conditional.classes.join('\u0000') !== classes.join('\u0000')) {
    throw new ValueError(`the spec's conditional.classes [${spec.conditional.classes.join(', ')}] differ from the data's classes [${classes.join(', ')}]; ${LABEL_SOURCES}`);
  }
  return { spec: { ...structuredClone(spec), conditional: { classes: [...classes] } }, train, validation };
}
