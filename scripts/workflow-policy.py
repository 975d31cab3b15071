"""The rules of this package's workflows that no linter knows, checked on the files as committed.

Every workflow: permissions declared at the top (and read-only or empty there), no pull_request_target, every action
pinned to a full commit SHA. The recipes users copy (Examples/workflows):
  replay.yml      runs on pull requests, so it records nothing (no ZIMAGE_RECORD_MODE, no ZIMAGE_ALLOW_RECORDING, no
                  `cassettes record`) and uses no secret at all;
  live-drift.yml  runs on a schedule and on demand only, never on pull requests; each region's key reaches only the
                  step that runs `validate --live`;
  re-record.yml   runs on demand only; the job holding the key first refuses any ref but the default branch, and the job
                  that can write to the repository holds no DashScope key.
The repository's own ci.yml runs what `.ci/run` runs (one truth).

Run with the workflow files as arguments; `--self-test` also checks that broken recipes are caught. Exits 1 on any
violation, naming the file, the job and the rule.
"""

import copy
import re
import sys
from pathlib import Path

from ruamel.yaml import YAML

SHA = re.compile(r"^[^@]+@[0-9a-f]{40}$")
DASHSCOPE_SECRET = re.compile(r"secrets\.DASHSCOPE_\w+|secrets\[")


def load(path):
    return YAML(typ="safe").load(Path(path).read_text())


def triggers(workflow):
    # YAML 1.1 reads a bare `on:` key as the boolean True.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on}
    if isinstance(on, list):
        return set(on)
    return set(on or {})


def steps(job):
    return job.get("steps", []) or []


def text(value):
    return "" if value is None else str(value)


def check(name, workflow):
    """The violations of one workflow, as sentences."""
    problems = []
    jobs = workflow.get("jobs", {}) or {}
    on = triggers(workflow)

    if "permissions" not in workflow:
        problems.append("declares no top-level permissions (the default token could write)")
    else:
        top = workflow["permissions"] or {}
        if top == "write-all" or (isinstance(top, dict) and any(v == "write" for v in top.values())):
            problems.append("grants write permissions to every job at the top level")
    if "pull_request_target" in on:
        problems.append("runs on pull_request_target")
    for job_name, job in jobs.items():
        for step in steps(job):
            uses = step.get("uses")
            if uses and not uses.startswith(("./", "docker://")) and not SHA.match(uses):
                problems.append(f"job {job_name}: {uses} is not pinned to a full commit SHA")

    if name == "replay.yml":
        if "pull_request" not in on:
            problems.append("does not run on pull requests")
        source = repr(workflow)
        for forbidden in ("ZIMAGE_RECORD_MODE", "ZIMAGE_ALLOW_RECORDING", "cassettes record", "secrets."):
            if forbidden in source:
                problems.append(f"mentions {forbidden}: a pull request must replay only, with no secret")

    if name in ("live-drift.yml", "re-record.yml"):
        allowed = {"schedule", "workflow_dispatch"} if name == "live-drift.yml" else {"workflow_dispatch"}
        if not on <= allowed:
            problems.append(f"runs on {sorted(on - allowed)}; allowed: {sorted(allowed)} only")
        if DASHSCOPE_SECRET.search(repr(workflow.get("env", {}))):
            problems.append("puts a DashScope key in the workflow's env, where every step sees it")
        for job_name, job in jobs.items():
            if DASHSCOPE_SECRET.search(repr(job.get("env", {}))):
                problems.append(f"job {job_name}: puts a DashScope key in the job's env, where every step sees it")
            for step in steps(job):
                if not DASHSCOPE_SECRET.search(repr(step.get("env", {}))):
                    continue
                run = text(step.get("run"))
                needed = "validate --live" in run or "cassettes record --live" in run
                if not needed:
                    problems.append(f"job {job_name}: step {step.get('name')!r} gets a DashScope key but runs no live command")

    if name == "re-record.yml":
        for job_name, job in jobs.items():
            job_steps = steps(job)
            holds_key = [i for i, step in enumerate(job_steps) if DASHSCOPE_SECRET.search(repr(step.get("env", {})))]
            if holds_key:
                guard = next(
                    (i for i, step in enumerate(job_steps)
                     if "default_branch" in text(step.get("if")) and "exit 1" in text(step.get("run"))),
                    None,
                )
                if guard is None or guard > holds_key[0]:
                    problems.append(f"job {job_name}: uses the key without first refusing refs but the default branch")
            writes = job.get("permissions", {}) or {}
            if isinstance(writes, dict) and writes.get("contents") == "write" and DASHSCOPE_SECRET.search(repr(job)):
                problems.append(f"job {job_name}: can write to the repository and holds a DashScope key")

    if name == "ci.yml":
        runs = [text(step.get("run")) for job in jobs.values() for step in steps(job)]
        if not any("bash .ci/run" in run for run in runs):
            problems.append("does not run `bash .ci/run`: CI must say what .ci/run says")
    return problems


def self_test(recipes):
    """Breaks each recipe the way a careless edit would, and expects the policy to notice."""
    breakages = {
        "replay.yml": lambda w: next(iter(w["jobs"].values()))["steps"].append(
            {"run": "swift test", "env": {"ZIMAGE_RECORD_MODE": "all"}}),
        "live-drift.yml": lambda w: w["on"].update({"pull_request": None}) if isinstance(w.get("on"), dict)
        else w[True].update({"pull_request": None}),
        "re-record.yml": lambda w: w["jobs"]["record"]["steps"].pop(0),
    }
    failures = []
    for name, workflow in recipes.items():
        if name not in breakages:
            continue
        broken = copy.deepcopy(workflow)
        breakages[name](broken)
        if not check(name, broken):
            failures.append(f"self-test: a broken {name} passed the policy")
    return failures


def main(arguments):
    paths = [argument for argument in arguments if not argument.startswith("--")]
    loaded = {Path(path).name: load(path) for path in paths}
    problems = [f"{name}: {problem}" for name, workflow in loaded.items() for problem in check(name, workflow)]
    problems += self_test(loaded)
    for problem in problems:
        print(f"workflow-policy: {problem}", file=sys.stderr)
    print(f"workflow-policy: {len(loaded)} workflows, {len(problems)} violations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
