"""Schemathesis hooks for docs/openapi.yaml: the one rule of the contract JSON Schema cannot state.

`parameters.size` must have a total pixel count W*H in the range the document's `x-total-pixels` gives. Hypothesis draws
sizes from the pattern alone, so most drawn sizes (`1*1`, `58*3`) break that rule. For positive cases only, a size that
breaks it is redrawn to a valid one with the same width, so that "valid data is accepted" means what it says; negative
cases are left as drawn (a bad size is one more way to be invalid).
"""

import math

import schemathesis


def _total_pixels(context):
    schema = context.operation.schema.raw_schema
    return schema["components"]["schemas"]["Parameters"]["properties"]["size"]["x-total-pixels"]


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    body = case.body
    if meta is None or not meta.generation.mode.is_positive or not isinstance(body, dict):
        return case
    parameters = body.get("parameters")
    if not isinstance(parameters, dict) or not isinstance(parameters.get("size"), str):
        return case
    width, height = (int(side) for side in parameters["size"].split("*"))
    bounds = _total_pixels(context)
    low, high = bounds["minimum"], bounds["maximum"]
    if low <= width * height <= high:
        return case
    if width > high:
        width = 1024
    # The heights that fit this width: [ceil(low / width), floor(high / width)], never empty for width <= high.
    least, most = math.ceil(low / width), high // width
    parameters["size"] = f"{width}*{min(max(height, least), most)}"
    return case
