"""The vcrpy peer of the replay benchmark: the same interactions, replayed through requests, timed the same way.

Usage: vcrpy_bench.py FOLDER SIZE...   (FOLDER holds interactions-<SIZE>.jsonl written by zimage-bench)
Prints one JSON object: per-request microseconds by size, load milliseconds for 1000, versions.
"""
import json
import statistics
import sys
import time

import requests
import vcr
import yaml

ENDPOINT = "https://dashscope.aliyuncs.com/api/v1/services/aigc/multimodal-generation/generation"


def write_cassette(folder, size):
    interactions = []
    with open(f"{folder}/interactions-{size}.jsonl") as lines:
        for line in lines:
            item = json.loads(line)
            interactions.append({
                "request": {"body": item["body"], "headers": {"Content-Type": ["application/json"]},
                            "method": "POST", "uri": ENDPOINT},
                "response": {"body": {"string": item["answer"]}, "headers": {"Content-Type": ["application/json"]},
                             "status": {"code": 200, "message": "OK"}},
            })
    path = f"{folder}/vcrpy-{size}.yaml"
    with open(path, "w") as out:
        yaml.dump({"interactions": interactions, "version": 1}, out, Dumper=yaml.CSafeDumper if hasattr(yaml, "CSafeDumper") else yaml.SafeDumper)
    return path, [i["request"]["body"] for i in interactions]


def per_request_us(path, bodies, requests_count, rounds):
    sample = [bodies[(i * 7919) % len(bodies)] for i in range(requests_count)]
    headers = {"Content-Type": "application/json"}
    results = []
    with vcr.use_cassette(path, record_mode="none", match_on=["method", "uri", "body"], allow_playback_repeats=True):
        for _ in range(rounds):
            started = time.perf_counter()
            for body in sample:
                requests.post(ENDPOINT, data=body.encode(), headers=headers)
            results.append((time.perf_counter() - started) / requests_count * 1e6)
    return statistics.median(results)


def load_ms(path, rounds):
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        with vcr.use_cassette(path, record_mode="none") as cassette:
            assert len(cassette.data) > 0
        results.append((time.perf_counter() - started) * 1000)
    return statistics.median(results)


def main():
    folder = sys.argv[1]
    sizes = [int(s) for s in sys.argv[2:]]
    out = {"per_request_us": {}, "versions": {"vcrpy": vcr.__version__, "requests": requests.__version__,
                                              "python": sys.version.split()[0]}}
    for size in sizes:
        path, bodies = write_cassette(folder, size)
        # vcrpy matches by scanning every interaction (about 0.9 s a request at 10,000 here): fewer requests there.
        count = 500 if size <= 1000 else 30
        out["per_request_us"][str(size)] = per_request_us(path, bodies, count, rounds=5 if size <= 1000 else 1)
        if size == 1000:
            out["load_1000_ms"] = load_ms(path, rounds=7)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
