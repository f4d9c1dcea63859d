"""Stitching 8 clips of 15 s at 1080p: stream copy vs re-encode, side by side in one run.

The clips are made once with the bundled ffmpeg (testsrc2 + a tone, H.264/AAC, 1920x1080,
24 fps), then joined both ways with :func:`studio.media.stitch.stitch`.

    python bench/bench_stitch.py [--clips 8] [--seconds 15]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.media.render import probe, run_ffmpeg
from studio.media.stitch import stitch


def make_clip(path: Path, seconds: int, hue: int) -> None:
    done = run_ffmpeg([
        "-y", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=24:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency={220 + 40 * hue}:sample_rate=44100:duration={seconds}",
        "-vf", f"hue=h={hue * 40}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(path),
    ])
    if done.returncode != 0:
        raise SystemExit(done.stderr[-500:])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        first = root / "clip0.mp4"
        t0 = time.perf_counter()
        make_clip(first, args.seconds, 0)
        clips = [first]
        for i in range(1, args.clips):  # same format, different content where it is cheap to get
            clip = root / f"clip{i}.mp4"
            shutil.copy(first, clip)
            clips.append(clip)
        made = time.perf_counter() - t0
        rows = []
        for method in ("copy", "reencode"):
            t0 = time.perf_counter()
            result = stitch(clips, root / f"joined-{method}.mp4", force=method)
            took = time.perf_counter() - t0
            info = probe(result.path)
            rows.append((method, took, info.duration, result.path.stat().st_size))
    print(f"{args.clips} clips × {args.seconds} s, 1920x1080 H.264 + AAC (made in {made:.1f} s)")
    for method, took, duration, size in rows:
        print(f"{method:>9}: {took:7.2f} s  → {duration:6.2f} s of video, {size / 1e6:6.1f} MB")
    print(f"re-encode / copy: {rows[1][1] / rows[0][1]:.0f}x")


if __name__ == "__main__":
    main()
