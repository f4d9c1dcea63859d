"""How fast the pure planning path is (read → validate → payload → quote), per request.

The live cost figure in the UI recomputes this on every keystroke, so it must stay far below a
frame. Printed side by side with plain ``json.loads`` of the same input, as a ratio.

    python bench/bench_plan.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from studio.domain.catalog import endpoint
from studio.domain.payload import build_payload, request_from_input
from studio.domain.pricing import quote_request

INPUT = json.dumps(
    {
        "prompt": "",
        "multi_prompt": [{"prompt": f"shot {i}: the barista pours", "duration": 2} for i in range(6)],
        "duration": 12,
        "aspect_ratio": "9:16",
        "generate_audio": True,
    }
)
N = 20_000


def main() -> None:
    ep = endpoint("pro", "text-to-video")
    t0 = time.perf_counter()
    for _ in range(N):
        json.loads(INPUT)
    baseline = (time.perf_counter() - t0) / N
    t0 = time.perf_counter()
    for _ in range(N):
        request = request_from_input(json.loads(INPUT), ep)
        build_payload(request, ep)
        quote_request(request, ep)
    plan = (time.perf_counter() - t0) / N
    print(f"requests: {N}")
    print(f"json.loads only:            {baseline * 1e6:8.1f} µs/request")
    print(f"read+validate+payload+quote: {plan * 1e6:8.1f} µs/request")
    print(f"ratio: {plan / baseline:.1f}x json.loads")


if __name__ == "__main__":
    main()
