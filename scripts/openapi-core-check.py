#!/usr/bin/env python3
"""Validates recorded and simulated exchanges against docs/openapi.yaml with openapi-core, a validator nobody here wrote.

1. Every interaction of every committed cassette (the contract suite's, the example's, the harness tests'): its request
   and its answer, bodies included (JSON, text, and the PNG and XML bodies from their files).
2. With --simulator URL --key KEY: a spread of answers of `zimage serve simulate`, good and bad (a generation and its
   image, an invalid size, an empty prompt, no key, a wrong key, an image without its signature, an unknown object, the
   models list). Requests that are refused on purpose are not themselves validated; their answers are.

Usage: openapi-core-check.py docs/openapi.yaml FOLDER... [--simulator URL --key KEY]
Prints one line per failure and closes with "openapi-core: N passed, N failed"; exits 1 on any failure.
"""

import argparse
import json
import pathlib
import sys
import urllib.error
import urllib.parse
import urllib.request

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse


def body_bytes(part, folder):
    """The bytes of a recorded body (JSON, text, or a body file beside the cassette)."""
    body = part.get("body")
    if body is None:
        return b""
    if "json" in body:
        return json.dumps(body["json"], ensure_ascii=False).encode()
    if "text" in body:
        return body["text"].encode()
    return (folder / body["file"]).read_bytes()


def header(headers, name, default=None):
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return default


API_PREFIXES = ("/api/", "/compatible-mode/")


def mock_request(method, url, headers, data):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    path = parts.path
    if not path.startswith(API_PREFIXES):
        # An image's object key holds "/", which the document's /{object} template cannot say (its description
        # says so): a validator sees the key as one path segment, its slashes percent-encoded, as schemathesis sends it.
        path = "/" + urllib.parse.quote(urllib.parse.unquote(path[1:]), safe="")
    return MockRequest(
        f"{parts.scheme}://{parts.netloc}", method, path,
        args={key: values[0] for key, values in query.items()}, headers=headers or {}, data=data or None,
        content_type=(header(headers, "content-type") or "application/json").split(";")[0].strip())


def mock_response(status, headers, data):
    return MockResponse(
        data, status_code=status, headers=headers or {},
        content_type=(header(headers, "content-type") or "application/json").split(";")[0].strip())


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, what, call):
        try:
            call()
            self.passed += 1
        except Exception as error:  # openapi-core raises a tree of its own errors; each is a finding
            self.failed += 1
            reasons = "; ".join(str(e) for e in getattr(error, "schema_errors", []) or []) or str(error)
            print(f"FAIL {what}: {type(error).__name__}: {reasons}"[:2000])


def check_cassettes(openapi, folders, tally):
    files = sorted(p for folder in folders for p in pathlib.Path(folder).rglob("*.json") if "bodies" not in p.parts)
    for file in files:
        cassette = json.loads(file.read_text())
        for index, interaction in enumerate(cassette.get("interactions", [])):
            request, response = interaction["request"], interaction["response"]
            mocked = mock_request(
                request["method"], request["url"], request.get("headers"), body_bytes(request, file.parent))
            answer = mock_response(
                response["status"], response.get("headers"), body_bytes(response, file.parent))
            tally.check(f"{file} #{index} request", lambda: openapi.validate_request(mocked))
            tally.check(f"{file} #{index} answer", lambda: openapi.validate_response(mocked, answer))
    return len(files)


def exchange(method, url, headers=None, body=None):
    """One request to the simulator, proxies bypassed; returns (status, headers, body)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=20) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers.items()), answer.read()


def check_simulator(openapi, base, key, tally):
    generation = base + "/api/v1/services/aigc/multimodal-generation/generation"
    auth = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def payload(prompt="A lighthouse at dusk", **parameters):
        return json.dumps({
            "model": "z-image-turbo",
            "input": {"messages": [{"role": "user", "content": [{"text": prompt}]}]},
            "parameters": {"size": "1024*1024", "prompt_extend": False, **parameters},
        }).encode()

    cases = [
        ("a generation", "POST", generation, auth, payload(seed=7), True),
        ("an invalid size", "POST", generation, auth, payload(size="10*10"), False),
        ("an empty prompt", "POST", generation, auth, payload(prompt=""), False),
        ("no key", "POST", generation, {"Content-Type": "application/json"}, payload(), False),
        ("a wrong key", "POST", generation, {**auth, "Authorization": "Bearer sk-test-wrong-0000000000"},
         payload(), False),
        ("the models list", "GET", base + "/compatible-mode/v1/models", {"Authorization": f"Bearer {key}"}, None,
         True),
    ]
    image_url = None
    for what, method, url, headers, body, valid in cases:
        status, answer_headers, data = exchange(method, url, headers, body)
        # Sent to the simulator, validated under the region's real host (the document's server).
        mocked = mock_request(method, url.replace(base, "https://dashscope.aliyuncs.com", 1), headers, body)
        if valid:
            tally.check(f"simulator: {what}: request", lambda: openapi.validate_request(mocked))
        tally.check(f"simulator: {what}: answer {status}",
                    lambda: openapi.validate_response(mocked, mock_response(status, answer_headers, data)))
        if what == "a generation" and status == 200:
            content = json.loads(data)["output"]["choices"][0]["message"]["content"]
            image_url = next(item["image"] for item in content if "image" in item)
    if image_url is None:
        tally.check("simulator: a generation gave an image URL", lambda: (_ for _ in ()).throw(AssertionError()))
        return
    unsigned = image_url.split("?")[0]
    for what, url, valid in [
        ("the image", image_url, True),
        ("the image without its signature", unsigned, False),
        ("an unknown object", unsigned.rsplit("/", 1)[0] + "/missing.png?" + image_url.split("?")[1], True),
    ]:
        status, answer_headers, data = exchange("GET", url)
        # The image host is the simulator's own here: the document lists OSS's hosts, so ask under one of them.
        parts = urllib.parse.urlsplit(url)
        oss = "https://dashscope-result-bj.oss-cn-beijing.aliyuncs.com" + parts.path + (
            "?" + parts.query if parts.query else "")
        mocked = mock_request("GET", oss, {}, None)
        if valid:
            tally.check(f"simulator: {what}: request", lambda: openapi.validate_request(mocked))
        tally.check(f"simulator: {what}: answer {status}",
                    lambda: openapi.validate_response(mocked, mock_response(status, answer_headers, data)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("document")
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--simulator")
    parser.add_argument("--key")
    arguments = parser.parse_args()
    openapi = OpenAPI.from_file_path(arguments.document)
    tally = Tally()
    files = check_cassettes(openapi, arguments.folders, tally)
    print(f"openapi-core: {files} cassettes checked")
    if arguments.simulator:
        check_simulator(openapi, arguments.simulator.rstrip("/"), arguments.key, tally)
    print(f"openapi-core: {tally.passed} passed, {tally.failed} failed")
    sys.exit(1 if tally.failed else 0)


if __name__ == "__main__":
    main()
