"""The cassetter peer of the replay benchmark: the same interactions, matched on method, URI and JSON body through
cassetter's Python API (Cassette.record, save, load, play: its Rust core), timed the same way.

Usage: cassetter_bench.py FOLDER SIZE...   (FOLDER holds interactions-<SIZE>.jsonl written by zimage-bench)
Prints one JSON object: per-request microseconds and load milliseconds by size, versions, and, for a size cassetter
cannot load back, its error.
"""
import importlib.metadata
import json
import os
import statistics
import sys
import time

from cassetter import Cassette, CassetteLoadError, MatchConfig, RecordMode

ENDPOINT = "https://dashscope.aliyuncs.com/api/v1/services/aigc/multimodal-generation/generation"
HEADERS = {"content-type": ["application/json"]}
MATCH = MatchConfig(match_on=["method", "uri", "json_body"])


def write_cassette(folder, size):
    path = f"{folder}/cassetter-{size}.yaml"
    if os.path.exists(path):
        os.remove(path)
    cassette = Cassette(path, record_mode=RecordMode.ALL, match_config=MATCH)
    cassette.load()
    bodies = []
    with open(f"{folder}/interactions-{size}.jsonl") as lines:
        for line in lines:
            item = json.loads(line)
            body = item["body"].encode()
            cassette.record("POST", ENDPOINT, HEADERS, body, 200, HEADERS, item["answer"].encode())
            bodies.append(body)
    cassette.save()
    return path, bodies


def loaded(path):
    cassette = Cassette(path, record_mode=RecordMode.NONE, match_config=MATCH)
    cassette.load()
    return cassette


def per_request_us(path, bodies, requests_count, rounds):
    sample = [bodies[(i * 7919) % len(bodies)] for i in range(requests_count)]
    cassette = loaded(path)
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        for body in sample:
            cassette.play("POST", ENDPOINT, HEADERS, body)
        results.append((time.perf_counter() - started) / requests_count * 1e6)
    return statistics.median(results)


def load_ms(path, size, rounds):
    results = []
    for _ in range(rounds):
        started = time.perf_counter()
        cassette = loaded(path)
        results.append((time.perf_counter() - started) * 1000)
        assert len(cassette) == size
    return statistics.median(results)


def main():
    folder = sys.argv[1]
    sizes = [int(s) for s in sys.argv[2:]]
    out = {"per_request_us": {}, "load_ms": {}, "errors": {},
           "versions": {"cassetter": importlib.metadata.version("cassetter"), "python": sys.version.split()[0]}}
    for size in sizes:
        path, bodies = write_cassette(folder, size)
        try:
            out["per_request_us"][str(size)] = per_request_us(path, bodies, 2000, rounds=7)
            out["load_ms"][str(size)] = load_ms(path, size, rounds=7 if size <= 1000 else 3)
        except CassetteLoadError as error:  # it wrote this cassette itself, and cannot read it back
            out["errors"][str(size)] = str(error).split("\n")[0].replace(path, f"cassetter-{size}.yaml")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
