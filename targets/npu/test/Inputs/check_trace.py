"""Checks a trace llmc-run --trace wrote against the Trace Event Format
(the JSON Perfetto and chrome://tracing open): an object with a
`traceEvents` list; each event has name, ph, pid, tid; a complete event
("X") a numeric ts and dur >= 0; metadata ("M") names the process and each
thread. Then what the trace is for: DMA commands overlap compute commands
(copies run while the matrix or vector unit works).

Usage: check_trace.py TRACE.json
"""
import json
import sys

trace = json.load(open(sys.argv[1]))
events = trace["traceEvents"]
assert isinstance(events, list) and events, "no traceEvents"
threads = {}
slices = []
for e in events:
    for field in ("name", "ph", "pid", "tid"):
        assert field in e, f"event without {field}: {e}"
    if e["ph"] == "M":
        assert e["name"] in ("process_name", "thread_name") and "name" in e["args"], e
        if e["name"] == "thread_name":
            threads[e["tid"]] = e["args"]["name"]
    else:
        assert e["ph"] == "X", e
        assert isinstance(e["ts"], (int, float)) and isinstance(e["dur"], (int, float)), e
        assert e["dur"] >= 0, e
        slices.append(e)
names = set(threads.values())
print("tracks:", " ".join(sorted(names)))
unnamed = [e for e in slices if e["tid"] not in threads]
assert not unnamed, f"slices on unnamed tracks: {unnamed[:1]}"
print("slices:", len(slices), "named after llm ops:",
      all(e["name"].startswith("llm.") for e in slices))

dma = sorted((e["ts"], e["ts"] + e["dur"]) for e in slices if threads[e["tid"]].startswith("dma"))
compute = [(e["ts"], e["ts"] + e["dur"]) for e in slices
           if threads[e["tid"]] in ("matrix", "vector") and e["dur"] > 0]
overlaps = 0
for begin, end in compute:
    overlaps += any(b < end and begin < e for b, e in dma)
print("compute slices overlapping a DMA slice:", "some" if overlaps else "none")
