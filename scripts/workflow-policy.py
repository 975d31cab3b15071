"""The rules of this package's workflows that no linter knows, checked on the files as committed.

Every workflow: permissions declared at the top (and read-only or empty there), no pull_request_target, every action
pinned to a full commit SHA. The recipes users copy (Examples/workflows):
  replay.yml      runs on pull requests, so it records nothing (no ZIMAGE_RECORD_MODE, no ZIMAGE_ALLOW_RECORDING, no
                  `cassettes record`) and uses no secret at all;
  live-drift.yml  runs on a schedule and on demand only, never on pull requests; each region's key reaches only the
                  step that runs `validate --live`;
  re-record.yml   runs on demand only; the job holding the key first refuses any ref but the default branch, and the job
                  that can write to the repository holds no DashScope key. A pull request opened with GITHUB_TOKEN
                  starts no workflow, so re-record.yml replays it itself: a job checks out the pushed commit
                  (needs.<job>.outputs.sha) and runs `validate --offline`, read-only and with no secret, and a job that
                  checks nothing out and runs no repository code posts the outcome as the check run named as
                  replay.yml's job, the check branch protection requires.
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
PUSHED_SHA = re.compile(r"needs\.[\w-]+\.outputs\.sha")
# The check replay.yml's job reports (its name); re-record.yml must report its own replay under the same name.
REPLAY_CHECK = "Replay and check the cassettes"


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


def read_only(job):
    permissions = job.get("permissions")
    if not isinstance(permissions, dict):
        return False
    return all(value in ("read", "none") for value in permissions.values())


def check_replays_pull_request(jobs, replay_check):
    """re-record.yml: the pull request it opens is replayed, and the outcome reported as the required check."""
    problems = []
    replayers = [
        job_name for job_name, job in jobs.items()
        if any(step.get("uses", "").startswith("actions/checkout@")
               and PUSHED_SHA.search(text((step.get("with") or {}).get("ref"))) for step in steps(job))
        and any("validate --offline" in text(step.get("run")) for step in steps(job))
    ]
    if not replayers:
        problems.append("no job checks out the pushed commit (needs.<job>.outputs.sha) and runs validate --offline: "
                        "the pull request it opens would be merged unreplayed")
    for job_name in replayers:
        job = jobs[job_name]
        if not read_only(job):
            problems.append(f"job {job_name}: replays the pull request's code but is not read-only")
        if "secrets." in repr(job):
            problems.append(f"job {job_name}: replays the pull request's code and sees a secret")
    reporters = [job_name for job_name, job in jobs.items()
                 if (job.get("permissions") or {}).get("checks") == "write"]
    if not reporters:
        problems.append(f"no job (checks: write) reports the replay as the check {replay_check!r}")
    for job_name in reporters:
        job = jobs[job_name]
        runs = " ".join(text(step.get("run")) for step in steps(job))
        if any(step.get("uses") for step in steps(job)) or "swift " in runs or "make " in runs:
            problems.append(f"job {job_name}: can write checks and runs code (a checkout, an action, swift or make)")
        if "check-runs" not in runs or replay_check not in runs:
            problems.append(f"job {job_name}: does not post the check run {replay_check!r}")
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        if replayers and not set(replayers) & set(needs):
            problems.append(f"job {job_name}: reports without waiting for the replay (needs: {needs})")
        if "always()" not in text(job.get("if")):
            problems.append(f"job {job_name}: skipped when the replay fails, so a failure is never reported")
    return problems


def check(name, workflow, replay_check=REPLAY_CHECK):
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
        problems += check_replays_pull_request(jobs, replay_check)

    if name == "replay.yml":
        names = [text(job.get("name")) for job in jobs.values()]
        if replay_check not in names:
            problems.append(f"has no job named {replay_check!r}, the check re-record.yml reports and branch "
                            "protection requires")

    if name == "ci.yml":
        runs = [text(step.get("run")) for job in jobs.values() for step in steps(job)]
        if not any("bash .ci/run" in run for run in runs):
            problems.append("does not run `bash .ci/run`: CI must say what .ci/run says")
    return problems


def self_test(recipes):
    """Breaks each recipe the way a careless edit would, and expects the policy to notice."""
    def checkout(job):
        return next(step for step in job["steps"] if step.get("uses", "").startswith("actions/checkout@"))

    breakages = {
        "replay.yml": [
            lambda w: next(iter(w["jobs"].values()))["steps"].append(
                {"run": "swift test", "env": {"ZIMAGE_RECORD_MODE": "all"}}),
            lambda w: next(iter(w["jobs"].values())).update({"name": "Replay"}),
        ],
        "live-drift.yml": [
            lambda w: w["on"].update({"pull_request": None}) if isinstance(w.get("on"), dict)
            else w[True].update({"pull_request": None}),
        ],
        "re-record.yml": [
            lambda w: w["jobs"]["record"]["steps"].pop(0),
            lambda w: w["jobs"].pop("replay"),
            lambda w: checkout(w["jobs"]["replay"])["with"].pop("ref"),
            lambda w: w["jobs"]["replay"]["permissions"].update({"contents": "write"}),
            lambda w: w["jobs"]["replay"]["steps"][-1].update({"env": {"KEY": "${{ secrets.ANY }}"}}),
            lambda w: w["jobs"]["report"]["steps"].insert(0, {"uses": "actions/checkout@" + "0" * 40}),
            lambda w: w["jobs"]["report"].update({"if": "${{ needs.pull-request.outputs.sha != '' }}"}),
            lambda w: w["jobs"]["report"]["steps"][-1].update(
                {"run": w["jobs"]["report"]["steps"][-1]["run"].replace(REPLAY_CHECK, "Replay")}),
        ],
    }
    failures = []
    for name, workflow in recipes.items():
        for number, breakage in enumerate(breakages.get(name, []), start=1):
            broken = copy.deepcopy(workflow)
            breakage(broken)
            if not check(name, broken):
                failures.append(f"self-test: {name} broken the {number}. way passed the policy")
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
