"""Reads TensorBoard logs with TensorBoard's own reader and prints what it holds as JSON.

    python read_events.py DIR [DIR ...]

For each DIR (a folder of events files): EventAccumulator (tensorboard.backend.event_processing.
event_accumulator, size guidance 0 = keep every event, purge_orphaned_data on as TensorBoard runs it)
gives the scalars, images, histograms and text tensors per tag, each as a list over steps; "raw_steps"
lists, per events file, the steps of the events EventFileLoader reads in it (before any purge), and
"session_starts" the steps of SessionLog START events. Output: {"tensorboard": version, "runs": {DIR: ...}}.
"""
import hashlib
import json
import os
import sys

import tensorboard
from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.backend.event_processing import event_file_loader
from tensorboard.compat.proto import event_pb2
from tensorboard.util import tensor_util


def read_run(path):
    acc = ea.EventAccumulator(path, size_guidance={k: 0 for k in ea.DEFAULT_SIZE_GUIDANCE}, purge_orphaned_data=True)
    acc.Reload()
    tags = acc.Tags()
    out = {"file_version": acc.file_version, "scalars": {}, "images": {}, "histograms": {}, "text": {}}
    for tag in tags["scalars"]:
        out["scalars"][tag] = [[e.step, e.value] for e in acc.Scalars(tag)]
    for tag in tags["images"]:
        out["images"][tag] = [
            {"step": e.step, "width": e.width, "height": e.height,
             "sha256": hashlib.sha256(e.encoded_image_string).hexdigest(),
             "png": e.encoded_image_string[:8] == b"\x89PNG\r\n\x1a\n"}
            for e in acc.Images(tag)
        ]
    for tag in tags["histograms"]:
        out["histograms"][tag] = [
            {"step": e.step, "min": e.histogram_value.min, "max": e.histogram_value.max,
             "num": e.histogram_value.num, "sum": e.histogram_value.sum,
             "bucket_limit": list(e.histogram_value.bucket_limit), "bucket": list(e.histogram_value.bucket)}
            for e in acc.Histograms(tag)
        ]
    for tag in tags["tensors"]:
        meta = acc.SummaryMetadata(tag)
        if meta.plugin_data.plugin_name != "text":
            continue
        out["text"][tag] = [
            [e.step, [s.decode("utf-8") for s in tensor_util.make_ndarray(e.tensor_proto).reshape(-1).tolist()]]
            for e in acc.Tensors(tag)
        ]
    raw, starts = {}, []
    for name in sorted(os.listdir(path)):
        if "tfevents" not in name:
            continue
        steps = []
        for event in event_file_loader.EventFileLoader(os.path.join(path, name)).Load():
            if event.HasField("summary"):
                steps.append(event.step)
            if event.HasField("session_log") and event.session_log.status == event_pb2.SessionLog.START:
                starts.append(event.step)
        raw[name] = steps
    out["raw_steps"] = raw
    out["session_starts"] = starts
    return out


def main(argv):
    runs = {p: read_run(p) for p in argv[1:]}
    json.dump({"tensorboard": tensorboard.__version__, "runs": runs}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
